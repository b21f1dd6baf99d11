package dev.vapostream.model.pretrain;

import dev.vapostream.model.training.AdamW;

import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.Teacher;

/**
 * Supervised pretraining of the base policy in two phases: the method, on reference solutions,
 * until greedy decoding solves {@code stopGreedyAccuracy} of the validation problems; then
 * {@code slipSteps} steps on solutions of a teacher that slips, so that the policy, sampled at
 * temperature 1, slips too.
 *
 * @param seed batch order, the teacher's slips and evaluation sampling; with the model's init
 *     seed it fixes the run
 * @param batchSize problems per step
 * @param learningRate peak AdamW learning rate, reached after {@code warmupSteps} linear steps
 * @param warmupSteps length of the linear warm-up
 * @param weightDecay decoupled weight decay on matrices
 * @param clipNorm global gradient-norm limit
 * @param teacher who writes the second phase's solutions ({@code RunningSumProblem#solutionBy}):
 *     the task's teacher, whose errors the base learns to make
 * @param slipSteps length of the second phase; 0 stops when the method is learned
 * @param maxSteps hard cap on optimizer steps
 * @param evalEvery steps between validation evaluations (where the first phase can end)
 * @param stopGreedyAccuracy the first phase ends at the first validation evaluation whose greedy
 *     accuracy reaches this (the method is learned)...
 * @param maxFormatErrorRate ...provided the format-error rate at temperature 1 is at or below this
 * @param timeBudgetSeconds safety net: stop after this much wall time even without the target
 *     (such a run is no longer reproducible step for step, and the result says so)
 */
public record PretrainSettings(long seed, int batchSize, float learningRate, int warmupSteps, float weightDecay,
        float clipNorm, Teacher teacher, int slipSteps, int maxSteps, int evalEvery, double stopGreedyAccuracy,
        double maxFormatErrorRate, double timeBudgetSeconds) {

    public PretrainSettings {
        if (batchSize < 1 || maxSteps < 1 || evalEvery < 1 || warmupSteps < 0 || slipSteps < 0) {
            throw new IllegalArgumentException("batchSize, maxSteps and evalEvery must be >= 1, warmupSteps and slipSteps >= 0");
        }
        if (!(learningRate > 0f) || !(clipNorm > 0f) || weightDecay < 0f) {
            throw new IllegalArgumentException("learningRate and clipNorm must be > 0, weightDecay >= 0");
        }
        java.util.Objects.requireNonNull(teacher, "teacher");
        if (stopGreedyAccuracy < 0 || stopGreedyAccuracy > 1 || maxFormatErrorRate < 0 || maxFormatErrorRate > 1) {
            throw new IllegalArgumentException("stopGreedyAccuracy and maxFormatErrorRate are rates in [0, 1]");
        }
        if (!(timeBudgetSeconds > 0)) {
            throw new IllegalArgumentException("timeBudgetSeconds must be > 0");
        }
    }

    /**
     * Defaults that give a built-in task's base policy the method (greedy decoding solves 95%
     * of the validation problems), then 500 steps of the task's teacher, which puts its held-out
     * accuracy at temperature 1 under 20% (docs/model.md).
     */
    public static PretrainSettings defaults(BuiltInTask task, long seed) {
        return new PretrainSettings(seed, 32, 1e-3f, 20, 0.01f, 1.0f, task.teacher(), 500, 8000, 250, 0.95, 0.05, 900);
    }

    /** These settings with another second-phase teacher. */
    public PretrainSettings withTeacher(Teacher other) {
        return new PretrainSettings(seed, batchSize, learningRate, warmupSteps, weightDecay, clipNorm, other, slipSteps,
            maxSteps, evalEvery, stopGreedyAccuracy, maxFormatErrorRate, timeBudgetSeconds);
    }

    /** Learning rate of step {@code step} (1-based): linear warm-up, then constant. */
    public float learningRateAt(int step) {
        return warmupSteps == 0 ? learningRate : learningRate * Math.min(1f, (float) step / warmupSteps);
    }
}
