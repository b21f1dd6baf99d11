package dev.vapostream.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.IntervalCategoryDataset;
import org.jfree.data.statistics.MultiValueCategoryDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblationPlotTest {

    @Test
    void eachConfigurationIsARowWithItsMeanIntervalRunsAndThePapersScore(@TempDir Path dir) throws Exception {
        // Given two configurations: runs at 40% and 60% (mean 50%), and one without runs
        List<AblationPlot.Row> rows = List.of(new AblationPlot.Row("vapo", List.of(0.4, 0.6), new double[] {0.42, 0.58}, 60),
            new AblationPlot.Row("ppo", List.of(), new double[] {Double.NaN, Double.NaN}, 5));

        // When the chart is built
        CategoryPlot plot = AblationPlot.chart("test", rows).getCategoryPlot();

        // Then the bar of the first row is at its mean, the second has none, both in percent
        CategoryDataset means = plot.getDataset(0);
        assertEquals(List.of("vapo", "ppo"), means.getColumnKeys());
        assertEquals(50.0, means.getValue(0, 0).doubleValue(), 1e-9);
        assertNull(means.getValue(0, 1));
        // And the interval, the runs and the paper's scores are the row's own
        IntervalCategoryDataset intervals = (IntervalCategoryDataset) plot.getDataset(1);
        assertEquals(42.0, intervals.getStartValue(0, 0).doubleValue(), 1e-9);
        assertEquals(58.0, intervals.getEndValue(0, 0).doubleValue(), 1e-9);
        assertNull(intervals.getStartValue(0, 1));
        assertEquals(List.of(40.0, 60.0), ((MultiValueCategoryDataset) plot.getDataset(2)).getValues(0, 0));
        assertEquals(5, plot.getDataset(3).getValue(0, 1).intValue());

        // And the PNG has one 28-pixel row per configuration inside its margins
        Path png = dir.resolve("ablation.png");
        AblationPlot.write(png, "test", rows);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(AblationPlot.WIDTH, image.getWidth());
        assertEquals(AblationPlot.height(2), image.getHeight());
    }

    @Test
    void lineChartsKeepOneSeriesPerRunEvenWhenTwoRunsShareAName() {
        JFreeChart chart = LinePlot.chart("t", "step", "y", List.of(new LinePlot.Line("seed1", new double[][] {{1, 0.1}}),
            new LinePlot.Line("seed1", new double[][] {{1, 0.2}, {2, 0.3}})));
        assertEquals(2, chart.getXYPlot().getDataset().getSeriesCount());
        assertEquals(2, chart.getXYPlot().getDataset().getItemCount(1));
    }
}
