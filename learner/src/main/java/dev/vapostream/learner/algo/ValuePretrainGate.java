package dev.vapostream.learner.algo;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides when value pretraining ends: once the critic's explained variance stops rising, or at
 * a cap. Each step reports the explained variance of the values its batch was given (measured on
 * fresh samples, before the critic trains on them); the gate smooths them with a moving average
 * over {@code window} steps and ends pretraining after at least {@code minSteps} steps when that
 * average has not beaten its best by {@code minDelta} for {@code patience} steps, or after
 * {@code maxSteps} steps whatever it shows. {@code patience} 0 turns the gate off: exactly
 * {@code maxSteps} steps. Steps whose explained variance is undefined (all returns equal) count
 * as steps but leave the average alone.
 */
public final class ValuePretrainGate {

    /**
     * @param maxSteps      0: no value pretraining; {@code minSteps} above it is lowered to it
     * @param criticLrFinal the critic's learning rate at the cap, as a fraction of its rate: over value
     *                      pretraining it falls along a cosine from the full rate to this; 1 keeps it
     *                      constant. The policy phase trains the critic at its full rate again.
     */
    public record Settings(int minSteps, int maxSteps, int window, int patience, double minDelta, double criticLrFinal) {
        public Settings {
            if (maxSteps < 0 || minSteps < 0) {
                throw new IllegalArgumentException("value pretraining needs min and max steps >= 0, got "
                    + minSteps + " and " + maxSteps);
            }
            minSteps = Math.min(minSteps, maxSteps);
            if (window < 1 || patience < 0 || !(minDelta >= 0)) {
                throw new IllegalArgumentException("value pretraining needs window >= 1, patience >= 0 and min delta >= 0");
            }
            if (!(criticLrFinal > 0 && criticLrFinal <= 1)) {
                throw new IllegalArgumentException("value-pretrain-critic-lr-final must be in (0, 1], got " + criticLrFinal);
            }
        }

        /** Settings whose critic learning rate stays constant. */
        public Settings(int minSteps, int maxSteps, int window, int patience, double minDelta) {
            this(minSteps, maxSteps, window, patience, minDelta, 1.0);
        }

        /** No value pretraining at all. */
        public static Settings none() {
            return new Settings(0, 0, 1, 0, 0);
        }

        public boolean enabled() {
            return maxSteps > 0;
        }

        /** The multiplier of the critic's rate for the value-pretraining step after {@code done} of them. */
        public double criticLrScale(int done) {
            return enabled() ? LearningRateDecay.cosine(criticLrFinal, done, maxSteps) : 1.0;
        }
    }

    /** Why pretraining ended (or that it has not). */
    public enum Reason {
        RUNNING, PLATEAU, CAP
    }

    private final Settings settings;
    private final List<Double> history;
    private double best = Double.NEGATIVE_INFINITY;
    private int bestAt;
    private Reason reason = Reason.RUNNING;

    /** @param history explained variances of the steps already taken (for a resumed run) */
    public ValuePretrainGate(Settings settings, List<Double> history) {
        this.settings = settings;
        this.history = new ArrayList<>();
        if (!settings.enabled()) {
            reason = Reason.CAP;
        }
        history.forEach(this::record);
    }

    /** Records one step's explained variance; returns true when value pretraining is over after it. */
    public boolean record(double explainedVariance) {
        if (reason != Reason.RUNNING) {
            return true;
        }
        history.add(explainedVariance);
        double average = movingAverage();
        if (!Double.isNaN(average) && average > best + settings.minDelta()) {
            best = average;
            bestAt = history.size();
        }
        int steps = history.size();
        if (steps >= settings.maxSteps()) {
            reason = Reason.CAP;
        } else if (settings.patience() > 0 && steps >= settings.minSteps() && steps - bestAt >= settings.patience()) {
            reason = Reason.PLATEAU;
        }
        return reason != Reason.RUNNING;
    }

    public boolean done() {
        return reason != Reason.RUNNING;
    }

    public Reason reason() {
        return reason;
    }

    /** The multiplier of the critic's rate for the next step: falling over value pretraining, 1 once it is done. */
    public double criticLrScale() {
        return done() ? 1.0 : settings.criticLrScale(steps());
    }

    public int steps() {
        return history.size();
    }

    /** The best moving average reached (NaN before the first defined one). */
    public double best() {
        return best == Double.NEGATIVE_INFINITY ? Double.NaN : best;
    }

    /** The moving average of the last {@code window} defined explained variances. */
    public double movingAverage() {
        double sum = 0;
        int n = 0;
        for (int i = history.size() - 1; i >= 0 && n < settings.window(); i--) {
            if (!Double.isNaN(history.get(i))) {
                sum += history.get(i);
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    public List<Double> history() {
        return List.copyOf(history);
    }

    public Settings settings() {
        return settings;
    }
}
