package dev.vapostream.learner.algo;

import java.util.Locale;

/** Per-batch advantage normalisation over every real token of the batch, and the critic's explained variance. */
public final class Whitening {
    private static final double EPSILON = 1e-8;

    /** How advantages are normalised before the update. */
    public enum Mode {
        /** Zero mean and unit variance (the paper's whitening). */
        ON,
        /**
         * Divided by the standard deviation, not recentred: a batch whose advantages are mostly zero
         * keeps those zeros (recentring would give every such token the negative of the batch mean).
         */
        SCALE,
        /** Used as computed. */
        OFF;

        public static Mode of(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("whitening must be on, scale or off, got '" + name + "'");
            }
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Whitening() {
    }

    /** Normalises {@code values[i][0..lengths[i])} in place as {@code mode} says; returns {mean, std} before. */
    public static double[] apply(Mode mode, float[][] values, int[] lengths) {
        double[] moments = moments(values, lengths);
        if (mode == Mode.OFF) {
            return moments;
        }
        double shift = mode == Mode.ON ? moments[0] : 0.0;
        double scale = moments[1] + EPSILON;
        for (int i = 0; i < values.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                values[i][t] = (float) ((values[i][t] - shift) / scale);
            }
        }
        return moments;
    }

    /** Whitens {@code values[i][0..lengths[i])} in place (mode ON); returns {mean, std} before whitening. */
    public static double[] whiten(float[][] values, int[] lengths) {
        return apply(Mode.ON, values, lengths);
    }

    private static double[] moments(float[][] values, int[] lengths) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < values.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                sum += values[i][t];
                n++;
            }
        }
        if (n == 0) {
            return new double[] {0, 0};
        }
        double mean = sum / n;
        double squares = 0;
        for (int i = 0; i < values.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                squares += (values[i][t] - mean) * (values[i][t] - mean);
            }
        }
        return new double[] {mean, Math.sqrt(squares / n)};
    }

    /** 1 − Var(G − V)/Var(G) over real tokens: 1 is a perfect critic, 0 no better than a constant. */
    public static double explainedVariance(float[][] returns, float[][] values, int[] lengths) {
        return explainedVariance(returns, values, lengths, null);
    }

    /** As {@link #explainedVariance(float[][], float[][], int[])} over the rows {@code include} marks (all if null). */
    public static double explainedVariance(float[][] returns, float[][] values, int[] lengths, boolean[] include) {
        double sumG = 0;
        double sumG2 = 0;
        double sumD = 0;
        double sumD2 = 0;
        long n = 0;
        for (int i = 0; i < returns.length; i++) {
            if (include != null && !include[i]) {
                continue;
            }
            for (int t = 0; t < lengths[i]; t++) {
                double g = returns[i][t];
                double d = g - values[i][t];
                sumG += g;
                sumG2 += g * g;
                sumD += d;
                sumD2 += d * d;
                n++;
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        double varG = sumG2 / n - (sumG / n) * (sumG / n);
        double varD = sumD2 / n - (sumD / n) * (sumD / n);
        return varG <= 1e-12 ? Double.NaN : 1 - varD / varG;
    }
}
