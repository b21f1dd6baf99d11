package dev.vapostream.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblationPlotTest {

    private static final int WHITE = Color.WHITE.getRGB();

    @Test
    void eachConfigurationIsARowWhoseBarEndsAtItsMeanAccuracy(@TempDir Path dir) throws Exception {
        // Given two configurations: runs at 40% and 60% (mean 50%), and one without runs
        List<AblationPlot.Row> rows = List.of(new AblationPlot.Row("vapo", List.of(0.4, 0.6), new double[] {0.4, 0.6}, 60),
            new AblationPlot.Row("ppo", List.of(), new double[] {Double.NaN, Double.NaN}, 5));

        // When the chart is drawn
        Path png = dir.resolve("ablation.png");
        AblationPlot.write(png, "test", rows);

        // Then it has one 28-pixel row per configuration between 50-pixel margins
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(760, image.getWidth());
        assertEquals(50 + 50 + 2 * 28, image.getHeight());
        // And the first row is filled at 25% (inside the bar, 230 + 460 * 0.25) and empty at 70% (past it)
        int middleOfFirstRow = 50 + 14;
        assertNotEquals(WHITE, image.getRGB(230 + 115, middleOfFirstRow));
        assertEquals(WHITE, image.getRGB(230 + 322, middleOfFirstRow));
        // And the row without runs has no bar
        assertEquals(WHITE, image.getRGB(230 + 115, middleOfFirstRow + 28));
    }
}
