package dev.vapostream.advantage.replay;

import java.util.Locale;

/**
 * Token-level statistics of one advantage setting over a replay, per response-length bucket:
 * advantage mean and variance, fraction of positive advantages, and the correlation of a token's
 * advantage with its response's reward.
 */
public final class AdvantageStats {
    /** Upper bounds (inclusive) of the length buckets; the last bucket is open. */
    static final int[] BUCKET_BOUNDS = {16, 32, 64, 128, Integer.MAX_VALUE};
    private final String label;
    private final Moments[] buckets = new Moments[BUCKET_BOUNDS.length];
    private final Moments all = new Moments();

    public AdvantageStats(String label) {
        this.label = label;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Moments();
        }
    }

    /** Adds one response: its per-token advantages and its reward. */
    public void add(float[] advantages, double reward) {
        Moments bucket = buckets[bucketOf(advantages.length)];
        bucket.responses++;
        all.responses++;
        for (float a : advantages) {
            bucket.add(a, reward);
            all.add(a, reward);
        }
    }

    public String label() {
        return label;
    }

    public long tokens() {
        return all.n;
    }

    public double mean() {
        return all.mean();
    }

    public double variance() {
        return all.variance();
    }

    public double fractionPositive() {
        return all.fractionPositive();
    }

    public double rewardCorrelation() {
        return all.correlation();
    }

    static int bucketOf(int length) {
        for (int i = 0; i < BUCKET_BOUNDS.length; i++) {
            if (length <= BUCKET_BOUNDS[i]) {
                return i;
            }
        }
        return BUCKET_BOUNDS.length - 1;
    }

    static String bucketName(int i) {
        int low = i == 0 ? 1 : BUCKET_BOUNDS[i - 1] + 1;
        return BUCKET_BOUNDS[i] == Integer.MAX_VALUE ? low + "+" : low + "-" + BUCKET_BOUNDS[i];
    }

    /** A table: one row per non-empty bucket and one for all lengths. */
    public String table() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i].n > 0) {
                out.append(row(bucketName(i), buckets[i]));
            }
        }
        out.append(row("all", all));
        return out.toString();
    }

    static String header() {
        return String.format(Locale.ROOT, "%-28s %-8s %9s %9s %10s %10s %8s %10s%n",
            "settings", "length", "responses", "tokens", "adv-mean", "adv-var", "frac>0", "corr(A,R)");
    }

    private String row(String bucket, Moments m) {
        return String.format(Locale.ROOT, "%-28s %-8s %9d %9d %10.4f %10.4f %8.3f %10.4f%n",
            label, bucket, m.responses, m.n, m.mean(), m.variance(), m.fractionPositive(), m.correlation());
    }

    /** Running sums for mean, variance, sign and Pearson correlation with the reward. */
    private static final class Moments {
        long responses;
        long n;
        long positive;
        double sumA;
        double sumA2;
        double sumR;
        double sumR2;
        double sumAR;

        void add(double a, double r) {
            n++;
            if (a > 0) {
                positive++;
            }
            sumA += a;
            sumA2 += a * a;
            sumR += r;
            sumR2 += r * r;
            sumAR += a * r;
        }

        double mean() {
            return n == 0 ? Double.NaN : sumA / n;
        }

        double variance() {
            return n == 0 ? Double.NaN : Math.max(0, sumA2 / n - mean() * mean());
        }

        double fractionPositive() {
            return n == 0 ? Double.NaN : (double) positive / n;
        }

        double correlation() {
            if (n == 0) {
                return Double.NaN;
            }
            double covariance = sumAR / n - (sumA / n) * (sumR / n);
            double varR = sumR2 / n - (sumR / n) * (sumR / n);
            double denominator = Math.sqrt(variance() * varR);
            return denominator == 0 ? Double.NaN : covariance / denominator;
        }
    }
}
