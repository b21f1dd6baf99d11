package dev.vapostream.model.pretrain;

/**
 * Supervised pretraining of the base policy on worked solutions written by a teacher that slips.
 *
 * @param seed batch order, the teacher's slips and evaluation sampling; with the model's init
 *     seed it fixes the run
 * @param batchSize problems per step
 * @param learningRate peak AdamW learning rate, reached after {@code warmupSteps} linear steps
 * @param warmupSteps length of the linear warm-up
 * @param weightDecay decoupled weight decay on matrices
 * @param clipNorm global gradient-norm limit
 * @param teacherSlipRate probability that the teacher writes a wrong digit on a line
 *     ({@code RunningSumProblem#sloppySolution}); 0 trains on the reference solutions
 * @param maxSteps hard cap on optimizer steps
 * @param evalEvery steps between validation evaluations (the only points where training can stop)
 * @param stopGreedyAccuracy training stops at the first validation evaluation whose greedy
 *     accuracy reaches this (the method is learned; sampling at temperature 1 still slips as
 *     often as the teacher did)...
 * @param maxFormatErrorRate ...provided the format-error rate at temperature 1 is at or below this
 * @param timeBudgetSeconds safety net: stop after this much wall time even without the target
 *     (such a run is no longer reproducible step for step, and the result says so)
 */
public record PretrainSettings(long seed, int batchSize, float learningRate, int warmupSteps, float weightDecay,
        float clipNorm, double teacherSlipRate, int maxSteps, int evalEvery, double stopGreedyAccuracy,
        double maxFormatErrorRate, double timeBudgetSeconds) {

    public PretrainSettings {
        if (batchSize < 1 || maxSteps < 1 || evalEvery < 1 || warmupSteps < 0) {
            throw new IllegalArgumentException("batchSize, maxSteps and evalEvery must be >= 1, warmupSteps >= 0");
        }
        if (!(learningRate > 0f) || !(clipNorm > 0f) || weightDecay < 0f) {
            throw new IllegalArgumentException("learningRate and clipNorm must be > 0, weightDecay >= 0");
        }
        if (!(teacherSlipRate >= 0 && teacherSlipRate < 1)) {
            throw new IllegalArgumentException("teacherSlipRate must be in [0, 1), was " + teacherSlipRate);
        }
        if (stopGreedyAccuracy < 0 || stopGreedyAccuracy > 1 || maxFormatErrorRate < 0 || maxFormatErrorRate > 1) {
            throw new IllegalArgumentException("stopGreedyAccuracy and maxFormatErrorRate are rates in [0, 1]");
        }
        if (!(timeBudgetSeconds > 0)) {
            throw new IllegalArgumentException("timeBudgetSeconds must be > 0");
        }
    }

    /**
     * Defaults that give the built-in task's base policy the method (greedy decoding solves
     * nearly everything) and the teacher's 50% slip rate per line, which puts its held-out
     * accuracy at temperature 1 under 20% (docs/model.md).
     */
    public static PretrainSettings defaults(long seed) {
        return new PretrainSettings(seed, 32, 1e-3f, 20, 0.01f, 1.0f, 0.5, 8000, 250, 0.95, 0.05, 600);
    }

    /** Learning rate of step {@code step} (1-based): linear warm-up, then constant. */
    public float learningRateAt(int step) {
        return warmupSteps == 0 ? learningRate : learningRate * Math.min(1f, (float) step / warmupSteps);
    }
}
