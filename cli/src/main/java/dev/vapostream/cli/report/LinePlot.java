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

/** A small line chart drawn with Java2D (headless), one line per run, written as PNG. */
final class LinePlot {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
        new Color(148, 103, 189), new Color(255, 127, 14), new Color(23, 190, 207)};

    private LinePlot() {
    }

    record Line(String label, double[][] points) {
    }

    static void write(Path file, String title, String yLabel, List<Line> lines) throws IOException {
        write(file, title, "step", yLabel, lines);
    }

    static void write(Path file, String title, String xLabel, String yLabel, List<Line> lines) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        double[] box = bounds(lines);
        axes(g, title, xLabel, yLabel, box);
        // Labels sit side by side at their own widths: at a fixed 150 px each, the fifth ran off the image.
        int labelX = LEFT + 10;
        for (int i = 0; i < lines.size(); i++) {
            draw(g, lines.get(i).points(), box, PALETTE[i % PALETTE.length]);
            g.setColor(PALETTE[i % PALETTE.length]);
            g.drawString(lines.get(i).label(), labelX, TOP - 8);
            labelX += g.getFontMetrics().stringWidth(lines.get(i).label()) + 24;
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    /** {xMin, xMax, yMin, yMax} over all lines, padded so flat lines still show. */
    private static double[] bounds(List<Line> lines) {
        double xMin = Double.MAX_VALUE;
        double xMax = -Double.MAX_VALUE;
        double yMin = Double.MAX_VALUE;
        double yMax = -Double.MAX_VALUE;
        for (Line line : lines) {
            for (double[] p : line.points()) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        if (xMin > xMax) {
            return new double[] {0, 1, 0, 1};
        }
        if (xMax == xMin) {
            xMax = xMin + 1;
        }
        double pad = yMax == yMin ? Math.max(Math.abs(yMax) * 0.1, 0.5) : (yMax - yMin) * 0.05;
        return new double[] {xMin, xMax, yMin - pad, yMax + pad};
    }

    private static void axes(Graphics2D g, String title, String xLabel, String yLabel, double[] box) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, LEFT, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        for (int i = 0; i <= 4; i++) {
            double y = box[2] + (box[3] - box[2]) * i / 4;
            int py = py(y, box);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(LEFT + 1, py, WIDTH - RIGHT - 1, py);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.3g", y), 5, py + 4);
            double x = box[0] + (box[1] - box[0]) * i / 4;
            g.drawString(String.format(Locale.ROOT, box[1] - box[0] < 20 ? "%.1f" : "%.0f", x), px(x, box) - 10,
                HEIGHT - BOTTOM + 16);
        }
        g.drawString(xLabel, WIDTH / 2 - 10, HEIGHT - 12);
        g.drawString(yLabel, LEFT, HEIGHT - 12);
    }

    private static void draw(Graphics2D g, double[][] points, double[] box, Color color) {
        g.setColor(color);
        g.setStroke(new BasicStroke(points.length < 30 ? 2f : 1.5f));
        for (int i = 1; i < points.length; i++) {
            g.drawLine(px(points[i - 1][0], box), py(points[i - 1][1], box), px(points[i][0], box), py(points[i][1], box));
        }
        if (points.length < 30) {
            for (double[] p : points) {
                g.fillOval(px(p[0], box) - 3, py(p[1], box) - 3, 6, 6);
            }
        }
    }

    private static int px(double x, double[] box) {
        return LEFT + (int) Math.round((x - box[0]) / (box[1] - box[0]) * (WIDTH - LEFT - RIGHT));
    }

    private static int py(double y, double[] box) {
        return HEIGHT - BOTTOM - (int) Math.round((y - box[2]) / (box[3] - box[2]) * (HEIGHT - TOP - BOTTOM));
    }
}
