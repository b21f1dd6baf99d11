package dev.vapostream.learner.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vapostream.model.nn.Scalars;

/**
 * PPO's clipped surrogate with Clip-Higher (DAPO/VAPO): the ratio π/π_old is clipped to
 * [1 − ε_low, 1 + ε_high], and the loss per token is −min(r·A, clip(r)·A), optionally scaled by a
 * truncated importance weight for stale groups. ε_high > ε_low leaves low-probability tokens room
 * to grow, which keeps exploration (entropy) alive.
 */
public final class PolicyLoss {
    private PolicyLoss() {
    }

    /** The loss and what happened to the ratios, for the step's metrics. */
    public record Result(NDArray loss, double clipFractionLow, double clipFractionHigh, double approxKl) {
    }

    /**
     * @param logProbs   log π(token) under the current policy, (B, R), differentiable
     * @param oldLogProbs log-probs of the policy the ratio is taken against (behaviour, or proximal), (B, R)
     * @param advantages per-token advantages, (B, R)
     * @param weights    per-token importance weights (1 when the group is on-policy enough), (B, R)
     * @param mask       1 for real tokens, (B, R)
     */
    public static Result clipped(NDManager manager, NDArray logProbs, NDArray oldLogProbs, NDArray advantages,
                                 NDArray weights, NDArray mask, float epsLow, float epsHigh, Aggregation aggregation) {
        NDArray ratio = logProbs.sub(oldLogProbs).exp();
        NDArray low = Scalars.of(manager, 1f - epsLow);
        NDArray high = Scalars.of(manager, 1f + epsHigh);
        NDArray clippedRatio = ratio.maximum(low).minimum(high);
        NDArray surrogate = ratio.mul(advantages).minimum(clippedRatio.mul(advantages));
        NDArray perToken = surrogate.neg().mul(weights);
        NDArray loss = MaskedMean.aggregate(perToken, mask, aggregation);
        double[] clipFractions = stats(ratio, advantages, mask, epsLow, epsHigh);
        return new Result(loss, clipFractions[0], clipFractions[1], approxKl(ratio, mask));
    }

    /** Fractions of tokens held by the lower bound (A < 0) and by the upper bound (A > 0). */
    private static double[] stats(NDArray ratio, NDArray advantages, NDArray mask, float epsLow, float epsHigh) {
        float[] r = ratio.toFloatArray();
        float[] a = advantages.toFloatArray();
        float[] m = mask.toFloatArray();
        long tokens = 0;
        long low = 0;
        long high = 0;
        for (int i = 0; i < r.length; i++) {
            if (m[i] == 0f) {
                continue;
            }
            tokens++;
            if (a[i] < 0 && r[i] < 1f - epsLow) {
                low++;
            } else if (a[i] > 0 && r[i] > 1f + epsHigh) {
                high++;
            }
        }
        return new double[] {tokens == 0 ? 0 : (double) low / tokens, tokens == 0 ? 0 : (double) high / tokens};
    }

    /** KL(old ‖ current) per token with the non-negative estimator E_old[(r − 1) − log r]. */
    private static double approxKl(NDArray ratio, NDArray mask) {
        float[] r = ratio.toFloatArray();
        float[] m = mask.toFloatArray();
        double sum = 0;
        long tokens = 0;
        for (int i = 0; i < r.length; i++) {
            if (m[i] != 0f) {
                sum += (r[i] - 1.0) - Math.log(r[i]);
                tokens++;
            }
        }
        return tokens == 0 ? 0 : sum / tokens;
    }
}
