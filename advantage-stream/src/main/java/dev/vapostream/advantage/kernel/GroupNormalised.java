package dev.vapostream.advantage.kernel;

/**
 * Critic-free advantages from a group's rewards: GRPO's {@code (R − mean)/(std + ε)} and
 * Dr. GRPO's {@code R − mean}. Every token of a response gets its response's advantage.
 */
public final class GroupNormalised {
    /** Keeps all-equal groups (std 0) at advantage 0 instead of dividing by zero. */
    public static final double EPSILON = 1e-6;

    private GroupNormalised() {
    }

    /** GRPO: rewards standardised within the group (sample standard deviation, n − 1). */
    public static double[] grpo(double[] rewards) {
        double mean = mean(rewards);
        double std = sampleStd(rewards, mean);
        double[] out = new double[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            out[i] = (rewards[i] - mean) / (std + EPSILON);
        }
        return out;
    }

    /** Dr. GRPO: the group mean subtracted, no division by the standard deviation. */
    public static double[] drGrpo(double[] rewards) {
        double mean = mean(rewards);
        double[] out = new double[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            out[i] = rewards[i] - mean;
        }
        return out;
    }

    static double mean(double[] xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("a group needs at least one reward");
        }
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        return sum / xs.length;
    }

    static double sampleStd(double[] xs, double mean) {
        if (xs.length < 2) {
            return 0.0;
        }
        double squares = 0;
        for (double x : xs) {
            squares += (x - mean) * (x - mean);
        }
        return Math.sqrt(squares / (xs.length - 1));
    }
}
