package dev.npufleet.launcher.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * PNG charts for the benchmark reports, drawn with Java2D (headless): a latency CDF per series
 * and a line chart for scaling curves. Where a picture reads better than a table.
 */
public final class Charts {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};
    private static final int W = 900;
    private static final int H = 520;
    private static final int L = 80;
    private static final int R = 30;
    private static final int T = 50;
    private static final int B = 60;

    private Charts() {
    }

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Cumulative distribution of each series' values (e.g. time to first token per policy). */
    public static void cdf(Path file, String title, String xLabel, Map<String, double[]> series) {
        double max = series.values().stream().flatMapToDouble(Arrays::stream).filter(d -> !Double.isNaN(d)).max()
                .orElse(1);
        Map<String, double[][]> lines = new LinkedHashMap<>();
        series.forEach((name, values) -> {
            double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
            double[][] pts = new double[v.length][];
            for (int i = 0; i < v.length; i++) {
                pts[i] = new double[] {v[i], (i + 1) / (double) v.length};
            }
            lines.put(name, pts);
        });
        draw(file, title, xLabel, "fraction of requests", max * 1.05, 1.0, lines);
    }

    /** One line per series through (x, y) points (e.g. throughput against workers). */
    public static void line(Path file, String title, String xLabel, String yLabel, Map<String, double[][]> series) {
        double xMax = series.values().stream().flatMap(Arrays::stream).mapToDouble(p -> p[0]).max().orElse(1);
        double yMax = series.values().stream().flatMap(Arrays::stream).mapToDouble(p -> p[1]).max().orElse(1);
        draw(file, title, xLabel, yLabel, xMax * 1.05, yMax * 1.1, series);
    }

    private static void draw(Path file, String title, String xLabel, String yLabel, double xMax, double yMax,
            Map<String, double[][]> series) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        axes(g, title, xLabel, yLabel, xMax, yMax);
        int i = 0;
        for (Map.Entry<String, double[][]> s : series.entrySet()) {
            Color c = PALETTE[i % PALETTE.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2.2f));
            double[][] pts = s.getValue();
            for (int k = 1; k < pts.length; k++) {
                g.drawLine(px(pts[k - 1][0], xMax), py(pts[k - 1][1], yMax), px(pts[k][0], xMax), py(pts[k][1], yMax));
            }
            if (pts.length == 1) {
                g.fillOval(px(pts[0][0], xMax) - 3, py(pts[0][1], yMax) - 3, 6, 6);
            }
            g.fillRect(W - R - 220, T + 10 + i * 20, 14, 10);
            g.setColor(Color.DARK_GRAY);
            g.drawString(s.getKey(), W - R - 200, T + 20 + i * 20);
            i++;
        }
        g.dispose();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void axes(Graphics2D g, String title, String xLabel, String yLabel, double xMax, double yMax) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, L, T - 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawLine(L, H - B, W - R, H - B);
        g.drawLine(L, T, L, H - B);
        for (double f : List.of(0.0, 0.25, 0.5, 0.75, 1.0)) {
            g.setColor(new Color(0xdddddd));
            g.drawLine(L + 1, py(f * yMax, yMax), W - R, py(f * yMax, yMax));
            g.setColor(Color.DARK_GRAY);
            g.drawString(fmt(f * yMax), 10, py(f * yMax, yMax) + 4);
            g.drawString(fmt(f * xMax), px(f * xMax, xMax) - 10, H - B + 18);
        }
        g.drawString(xLabel, (W - L) / 2, H - 15);
        g.drawString(yLabel, 10, T - 5);
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }

    private static int px(double x, double xMax) {
        return L + (int) Math.round(x / xMax * (W - L - R));
    }

    private static int py(double y, double yMax) {
        return H - B - (int) Math.round(y / yMax * (H - T - B));
    }
}
