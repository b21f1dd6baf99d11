package dev.vapostream.model.pretrain;

/**
 * Supervised pretraining of the base policy on worked solutions.
 *
 * @param seed batch order and evaluation sampling; with the model's init seed it fixes the run
 * @param batchSize problems per step
 * @param learningRate peak AdamW learning rate, reached after {@code warmupSteps} linear steps
 * @param warmupSteps length of the linear warm-up
 * @param weightDecay decoupled weight decay on matrices
 * @param clipNorm global gradient-norm limit
 * @param maxSteps hard cap on optimizer steps
 * @param evalEvery steps between validation evaluations (the only points where training can stop)
 * @param stopAccuracy training stops at the first validation accuracy (temperature 1) at or above this...
 * @param maxFormatErrorRate ...provided the format-error rate is at or below this
 * @param timeBudgetSeconds safety net: stop after this much wall time even without the target
 *     (such a run is no longer reproducible step for step, and the result says so)
 */
public record PretrainSettings(long seed, int batchSize, float learningRate, int warmupSteps, float weightDecay,
        float clipNorm, int maxSteps, int evalEvery, double stopAccuracy, double maxFormatErrorRate,
        double timeBudgetSeconds) {

    public PretrainSettings {
        if (batchSize < 1 || maxSteps < 1 || evalEvery < 1 || warmupSteps < 0) {
            throw new IllegalArgumentException("batchSize, maxSteps and evalEvery must be >= 1, warmupSteps >= 0");
        }
        if (!(learningRate > 0f) || !(clipNorm > 0f) || weightDecay < 0f) {
            throw new IllegalArgumentException("learningRate and clipNorm must be > 0, weightDecay >= 0");
        }
        if (stopAccuracy < 0 || stopAccuracy > 1 || maxFormatErrorRate < 0 || maxFormatErrorRate > 1) {
            throw new IllegalArgumentException("stopAccuracy and maxFormatErrorRate are rates in [0, 1]");
        }
        if (!(timeBudgetSeconds > 0)) {
            throw new IllegalArgumentException("timeBudgetSeconds must be > 0");
        }
    }

    /** Defaults that land the built-in task's base policy at 5-20% held-out accuracy (docs/model.md). */
    public static PretrainSettings defaults(long seed) {
        return new PretrainSettings(seed, 32, 3e-3f, 20, 0.01f, 1.0f, 3000, 50, 0.14, 0.05, 270);
    }

    /** Learning rate of step {@code step} (1-based): linear warm-up, then constant. */
    public float learningRateAt(int step) {
        return warmupSteps == 0 ? learningRate : learningRate * Math.min(1f, (float) step / warmupSteps);
    }
}
