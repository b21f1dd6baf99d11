package dev.vapostream.learner.algo;

/** Per-batch advantage whitening: zero mean, unit variance over every real token of the batch. */
public final class Whitening {
    private static final double EPSILON = 1e-8;

    private Whitening() {
    }

    /** Whitens {@code values[i][0..lengths[i])} in place; returns {mean, std} before whitening. */
    public static double[] whiten(float[][] values, int[] lengths) {
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
        double std = Math.sqrt(squares / n);
        for (int i = 0; i < values.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                values[i][t] = (float) ((values[i][t] - mean) / (std + EPSILON));
            }
        }
        return new double[] {mean, std};
    }

    /** 1 − Var(G − V)/Var(G) over real tokens: 1 is a perfect critic, 0 no better than a constant. */
    public static double explainedVariance(float[][] returns, float[][] values, int[] lengths) {
        double sumG = 0;
        double sumG2 = 0;
        double sumD = 0;
        double sumD2 = 0;
        long n = 0;
        for (int i = 0; i < returns.length; i++) {
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
        return varG <= 0 ? Double.NaN : 1 - varD / varG;
    }
}
