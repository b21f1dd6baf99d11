package dev.vapostream.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.IntervalBarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.ScatterRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.category.DefaultIntervalCategoryDataset;
import org.jfree.data.statistics.DefaultMultiValueCategoryDataset;

/**
 * The ablation as a horizontal bar chart (JFreeChart, headless): one row per configuration, a bar
 * at the mean held-out accuracy of its runs, the 95% interval of that mean, a dot per run, and the
 * paper's AIME 2024 score as a hollow square on the same 0-100 scale.
 */
public final class AblationPlot {
    static final int WIDTH = 760;
    private static final int ROW = 28;
    private static final int MARGINS = 130;
    private static final Color BAR = new Color(31, 119, 180);
    private static final Color PAPER = new Color(214, 39, 40);

    private AblationPlot() {
    }

    /**
     * One configuration: its runs' final held-out accuracies (0-1), the 95% interval of their mean
     * ({low, high}, 0-1, NaN when there are no runs) and the paper's score (percent, or null).
     */
    public record Row(String configuration, List<Double> accuracies, double[] interval, Integer paperScore) {
    }

    public static void write(Path file, String title, List<Row> rows) throws IOException {
        PngFile.write(file, chart(title, rows), WIDTH, height(rows.size()));
    }

    static int height(int rows) {
        return MARGINS + ROW * rows;
    }

    /** Datasets, in drawing order: 0 the mean bars, 1 the intervals, 2 the runs, 3 the paper's scores; all in percent. */
    static JFreeChart chart(String title, List<Row> rows) {
        DefaultCategoryDataset means = new DefaultCategoryDataset();
        DefaultMultiValueCategoryDataset runs = new DefaultMultiValueCategoryDataset();
        DefaultCategoryDataset paper = new DefaultCategoryDataset();
        Number[][] low = new Number[1][rows.size()];
        Number[][] high = new Number[1][rows.size()];
        String[] categories = new String[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            String c = row.configuration();
            categories[i] = c;
            List<Double> percents = row.accuracies().stream().map(a -> 100 * a).toList();
            means.addValue(percents.isEmpty() ? null : percents.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                "mean of the runs", c);
            runs.add(percents, "per run", c);
            paper.addValue(row.paperScore(), "the paper's AIME 2024 score", c);
            boolean interval = !Double.isNaN(row.interval()[0]);
            low[0][i] = interval ? 100 * row.interval()[0] : null;
            high[0][i] = interval ? 100 * row.interval()[1] : null;
        }
        DefaultIntervalCategoryDataset intervals = new DefaultIntervalCategoryDataset(
            new String[] {"95% interval of the mean"}, categories, low, high);

        NumberAxis percent = new NumberAxis("held-out accuracy, %");
        percent.setRange(0, 100);
        CategoryPlot plot = new CategoryPlot(means, new CategoryAxis(), percent, meanBars());
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDataset(1, intervals);
        plot.setRenderer(1, intervalBars());
        plot.setDataset(2, runs);
        plot.setRenderer(2, runDots());
        plot.setDataset(3, paper);
        plot.setRenderer(3, paperSquares());
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static BarRenderer meanBars() {
        BarRenderer bars = new BarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, new Color(BAR.getRed(), BAR.getGreen(), BAR.getBlue(), 110));
        return bars;
    }

    private static IntervalBarRenderer intervalBars() {
        IntervalBarRenderer intervals = new IntervalBarRenderer();
        intervals.setBarPainter(new StandardBarPainter());
        intervals.setShadowVisible(false);
        intervals.setMaximumBarWidth(0.015);
        intervals.setSeriesPaint(0, Color.BLACK);
        return intervals;
    }

    private static ScatterRenderer runDots() {
        ScatterRenderer dots = new ScatterRenderer();
        dots.setUseSeriesOffset(false);
        dots.setSeriesPaint(0, BAR);
        dots.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
        return dots;
    }

    private static LineAndShapeRenderer paperSquares() {
        LineAndShapeRenderer squares = new LineAndShapeRenderer(false, true);
        squares.setSeriesPaint(0, PAPER);
        squares.setSeriesShape(0, new Rectangle2D.Double(-4, -4, 8, 8));
        squares.setSeriesShapesFilled(0, false);
        squares.setSeriesOutlineStroke(0, new BasicStroke(2f));
        squares.setUseOutlinePaint(false);
        return squares;
    }
}
