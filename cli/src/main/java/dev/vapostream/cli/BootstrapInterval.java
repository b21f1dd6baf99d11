package dev.vapostream.cli;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap of a mean: resample the values with replacement, take each resample's
 * mean, and report the 2.5th and 97.5th percentiles. Seeded, so a table renders the same every time.
 */
final class BootstrapInterval {
    static final int RESAMPLES = 10_000;

    private BootstrapInterval() {
    }

    /** {low, high} of the 95% interval of the mean of {@code values}; {NaN, NaN} when there are none. */
    static double[] ofMean(List<Double> values, long seed) {
        if (values.isEmpty()) {
            return new double[] {Double.NaN, Double.NaN};
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] means = new double[RESAMPLES];
        int n = values.size();
        for (int r = 0; r < RESAMPLES; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += values.get(random.nextInt(n));
            }
            means[r] = sum / n;
        }
        Arrays.sort(means);
        return new double[] {means[(int) Math.floor(0.025 * (RESAMPLES - 1))], means[(int) Math.ceil(0.975 * (RESAMPLES - 1))]};
    }
}
