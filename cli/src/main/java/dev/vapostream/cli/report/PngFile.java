package dev.vapostream.cli.report;

import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * Writes a chart as a PNG file, encoded in memory. ImageIO's default disk cache registers a JVM
 * shutdown hook on first use, which throws while the JVM is shutting down, and {@code vapo
 * train} writes its report exactly then after Ctrl-C or SIGTERM.
 */
final class PngFile {
    private PngFile() {
    }

    static void write(Path file, JFreeChart chart, int width, int height) throws IOException {
        ImageIO.setUseCache(false);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    }
}
