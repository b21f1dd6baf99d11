package dev.vapostream.scorer.api;

import java.util.Objects;

/**
 * One scorer's judgement of one response: its reward component and, for scorers that check the
 * final answer, a verdict. A response's total reward is the sum of its components; it is correct
 * when every scorer that gave a verdict said {@link Verdict#CORRECT}, and it has a format error
 * when any said {@link Verdict#FORMAT_ERROR}.
 *
 * @param reward  this scorer's reward component; must be finite
 * @param verdict what this scorer says about correctness ({@link Verdict#NONE} if nothing)
 */
public record Score(double reward, Verdict verdict) {

    /** A scorer's opinion on whether a response's final answer is right. */
    public enum Verdict {
        /** The scorer does not judge correctness (e.g. a length penalty). */
        NONE,
        /** The final answer equals the ground truth. */
        CORRECT,
        /** A final answer was found and it is wrong. */
        INCORRECT,
        /** No final answer could be parsed; counts as incorrect. */
        FORMAT_ERROR
    }

    public Score {
        Objects.requireNonNull(verdict, "verdict");
        if (!Double.isFinite(reward)) {
            throw new IllegalArgumentException("a reward must be finite, got " + reward);
        }
    }

    /** A reward component with no opinion on correctness. */
    public static Score of(double reward) {
        return new Score(reward, Verdict.NONE);
    }

    public static Score correct(double reward) {
        return new Score(reward, Verdict.CORRECT);
    }

    public static Score incorrect(double reward) {
        return new Score(reward, Verdict.INCORRECT);
    }

    public static Score formatError(double reward) {
        return new Score(reward, Verdict.FORMAT_ERROR);
    }
}
