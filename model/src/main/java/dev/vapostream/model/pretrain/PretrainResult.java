package dev.vapostream.model.pretrain;

import dev.vapostream.model.eval.EvalReport;

import java.util.List;

/**
 * What a pretraining run did.
 *
 * @param steps optimizer steps taken
 * @param methodLearnedAtStep the step at which greedy decoding reached the target and the
 *     slipping teacher took over, or -1 if it never did
 * @param stopReason why it stopped
 * @param finalValidation the validation evaluation at the stopping point
 * @param history every validation evaluation, in order
 * @param lastLoss mean per-token NLL of the last batch
 * @param seconds wall time
 */
public record PretrainResult(int steps, int methodLearnedAtStep, StopReason stopReason, EvalReport finalValidation,
        List<EvalPoint> history, double lastLoss, double seconds) {

    public PretrainResult {
        history = List.copyOf(history);
    }

    public enum StopReason {
        /** The method was learned (greedy accuracy and format-error targets) and the slip phase ran. */
        TARGET_REACHED,
        /** {@code maxSteps} ran out first. */
        MAX_STEPS,
        /** The wall-time safety net fired first. */
        TIME_BUDGET
    }

    /**
     * One validation evaluation during training.
     *
     * @param report sampled at temperature 1, as RL samples
     * @param greedy the same problems decoded greedily: whether the method has been learned
     */
    public record EvalPoint(int step, double loss, EvalReport report, EvalReport greedy) {
    }
}
