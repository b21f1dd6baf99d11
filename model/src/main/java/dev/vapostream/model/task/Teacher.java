package dev.vapostream.model.task;

import java.util.SplittableRandom;

/**
 * Who writes a running-sum chain: for each line {@code digit + term}, a probability for every
 * result digit 0..9. The reference teacher always writes {@code (digit + term) mod 10}; the
 * built-in tasks' base policies imitate teachers that err, and how they err decides what a
 * critic can predict (docs/task.md). Implementations are immutable and their distributions sum to 1.
 */
public interface Teacher {

    /** The teacher that never errs: its chains are the reference solutions. */
    Teacher EXACT = uniformSlips(0.0);

    /** Probability of writing each digit 0..9 as the result of the line {@code digit + term}. */
    double[] writes(int digit, int term);

    /** The same teacher with its uniform slip rate on ordinary lines replaced by {@code rate}. */
    Teacher withSlipRate(double rate);

    /** One result digit drawn from {@link #writes}. */
    default int write(int digit, int term, SplittableRandom random) {
        double[] p = writes(digit, term);
        double u = random.nextDouble();
        double cumulative = 0;
        for (int d = 0; d < 9; d++) {
            cumulative += p[d];
            if (u < cumulative) {
                return d;
            }
        }
        return 9;
    }

    /**
     * A teacher that knows every fact and slips on each line with probability {@code rate},
     * writing one of the nine wrong digits uniformly.
     */
    static Teacher uniformSlips(double rate) {
        return new UniformSlips(rate);
    }

    /** {@link #uniformSlips}. */
    record UniformSlips(double rate) implements Teacher {
        public UniformSlips {
            requireRate("slip rate", rate);
        }

        @Override
        public double[] writes(int digit, int term) {
            return slipping((digit + term) % 10, rate);
        }

        @Override
        public Teacher withSlipRate(double newRate) {
            return new UniformSlips(newRate);
        }
    }

    /** The right digit with probability 1 − rate, each wrong one with rate / 9. */
    static double[] slipping(int right, double rate) {
        double[] p = new double[10];
        java.util.Arrays.fill(p, rate / 9);
        p[right] = 1 - rate;
        return p;
    }

    static void requireRate(String name, double rate) {
        if (!(rate >= 0.0 && rate < 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), was " + rate);
        }
    }
}
