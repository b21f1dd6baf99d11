package dev.vapostream.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The ablation as a horizontal bar chart drawn with Java2D (headless): one row per
 * configuration, a bar at the mean held-out accuracy of its runs, the 95% interval of that mean, a dot per run, and the paper's
 * AIME 2024 score as a hollow marker on the same 0-100 scale.
 */
public final class AblationPlot {
    private static final int WIDTH = 760;
    private static final int ROW = 28;
    private static final int LEFT = 230;
    private static final int RIGHT = 70;
    private static final int TOP = 50;
    private static final int BOTTOM = 50;
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
        int height = TOP + BOTTOM + ROW * rows.size();
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 10, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        grid(g, height);
        for (int i = 0; i < rows.size(); i++) {
            row(g, rows.get(i), TOP + i * ROW);
        }
        legend(g, height);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void grid(Graphics2D g, int height) {
        for (int percent = 0; percent <= 100; percent += 20) {
            int x = x(percent);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(x, TOP - 5, x, height - BOTTOM);
            g.setColor(Color.BLACK);
            g.drawString(percent + "%", x - 10, height - BOTTOM + 16);
        }
    }

    private static void row(Graphics2D g, Row row, int top) {
        g.setColor(Color.BLACK);
        g.drawString(row.configuration(), 10, top + ROW / 2 + 4);
        if (!row.accuracies().isEmpty()) {
            double mean = row.accuracies().stream().mapToDouble(Double::doubleValue).average().orElse(0);
            g.setColor(new Color(BAR.getRed(), BAR.getGreen(), BAR.getBlue(), 110));
            g.fillRect(x(0), top + 6, x(100 * mean) - x(0), ROW - 12);
            g.setColor(Color.BLACK);
            if (!Double.isNaN(row.interval()[0])) {
                int y = top + ROW / 2;
                g.setStroke(new BasicStroke(2f));
                g.drawLine(x(100 * row.interval()[0]), y, x(100 * row.interval()[1]), y);
                g.drawLine(x(100 * row.interval()[0]), y - 5, x(100 * row.interval()[0]), y + 5);
                g.drawLine(x(100 * row.interval()[1]), y - 5, x(100 * row.interval()[1]), y + 5);
                g.setStroke(new BasicStroke(1f));
            }
            g.setColor(BAR);
            for (double accuracy : row.accuracies()) {
                g.fillOval(x(100 * accuracy) - 3, top + ROW / 2 - 3, 6, 6);
            }
            g.setColor(Color.BLACK);
            // The mean is printed in a column right of the 100% line, clear of the dots.
            g.drawString(String.format(Locale.ROOT, "%.1f%%", 100 * mean), WIDTH - RIGHT + 12, top + ROW / 2 + 4);
        }
        if (row.paperScore() != null) {
            g.setColor(PAPER);
            g.setStroke(new BasicStroke(2f));
            g.drawRect(x(row.paperScore()) - 4, top + ROW / 2 - 4, 8, 8);
            g.setStroke(new BasicStroke(1f));
        }
    }

    private static void legend(Graphics2D g, int height) {
        g.setColor(BAR);
        g.fillOval(LEFT, height - 20, 6, 6);
        g.setColor(Color.BLACK);
        g.drawString("per run (bar: mean, line: 95% interval)", LEFT + 10, height - 13);
        g.setColor(PAPER);
        g.drawRect(LEFT + 300, height - 21, 8, 8);
        g.setColor(Color.BLACK);
        g.drawString("the paper's AIME 2024 score", LEFT + 314, height - 13);
    }

    private static int x(double percent) {
        return LEFT + (int) Math.round((WIDTH - LEFT - RIGHT) * percent / 100.0);
    }
}
