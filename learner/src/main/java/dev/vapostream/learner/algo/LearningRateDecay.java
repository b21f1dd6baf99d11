package dev.vapostream.learner.algo;

/**
 * The actor's learning rate over a run: a cosine from the full rate at the first policy update
 * to {@code finalFraction} of it at the last. A policy that has become sharp then takes smaller
 * steps, so the noise of late batches moves it less; {@code finalFraction} 1 keeps the rate
 * constant.
 */
public final class LearningRateDecay {
    private LearningRateDecay() {
    }

    /**
     * The multiplier of the base rate for the update after {@code done} of {@code total} policy
     * updates; {@code finalFraction} at and beyond the last.
     */
    public static double cosine(double finalFraction, long done, long total) {
        if (!(finalFraction > 0 && finalFraction <= 1)) {
            throw new IllegalArgumentException("the final learning-rate fraction must be in (0, 1], got " + finalFraction);
        }
        if (total < 1 || done < 0) {
            throw new IllegalArgumentException("need total >= 1 and done >= 0, got " + total + " and " + done);
        }
        double progress = total == 1 ? 1 : Math.min(1.0, (double) done / (total - 1));
        return finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
