package dev.vapostream.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** A line chart (JFreeChart, headless), one line per run, written as PNG. */
final class LinePlot {
    static final int WIDTH = 640;
    static final int HEIGHT = 360;
    /** Points are marked only on sparse lines (held-out evaluations), not on per-step metrics. */
    private static final int MARK_BELOW = 30;

    private LinePlot() {
    }

    record Line(String label, double[][] points) {
    }

    static void write(Path file, String title, String yLabel, List<Line> lines) throws IOException {
        write(file, title, "step", yLabel, lines);
    }

    static void write(Path file, String title, String xLabel, String yLabel, List<Line> lines) throws IOException {
        PngFile.write(file, chart(title, xLabel, yLabel, lines), WIDTH, HEIGHT);
    }

    /** The chart: one series per line, in the lines' order, named by their labels. */
    static JFreeChart chart(String title, String xLabel, String yLabel, List<Line> lines) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line line : lines) {
            // Two runs may share a name (seed folders of different ablations); a series key must be unique.
            XYSeries series = new XYSeries(uniqueKey(data, line.label()), false, true);
            for (double[] p : line.points()) {
                series.add(p[0], p[1]);
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
            true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < lines.size(); i++) {
            renderer.setSeriesShapesVisible(i, lines.get(i).points().length < MARK_BELOW);
            renderer.setSeriesStroke(i, new BasicStroke(1.8f));
        }
        plot.setRenderer(renderer);
        return chart;
    }

    private static String uniqueKey(XYSeriesCollection data, String label) {
        String key = label;
        for (int n = 2; data.getSeriesIndex(key) >= 0; n++) {
            key = label + " (" + n + ")";
        }
        return key;
    }
}
