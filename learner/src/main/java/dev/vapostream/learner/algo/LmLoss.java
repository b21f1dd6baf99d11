package dev.vapostream.learner.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vapostream.model.nn.Scalars;

/**
 * VAPO's positive-example LM loss: negative log-likelihood of the tokens of responses that
 * earned reward 1, averaged over those tokens. It imitates the policy's own successes, which
 * speeds learning when correct answers are rare.
 */
public final class LmLoss {
    private LmLoss() {
    }

    /**
     * @param logProbs log π(token), (B, R), differentiable
     * @param mask     1 for real tokens, (B, R)
     * @param positive per response: true when its reward is 1
     * @return the mean NLL over positive responses' tokens; a constant 0 when there are none
     */
    public static NDArray positiveExamples(NDManager manager, NDArray logProbs, NDArray mask, boolean[] positive) {
        float[] rows = new float[positive.length];
        boolean any = false;
        for (int i = 0; i < positive.length; i++) {
            rows[i] = positive[i] ? 1f : 0f;
            any |= positive[i];
        }
        if (!any) {
            return Scalars.of(manager, 0f);
        }
        NDArray positiveMask = mask.mul(manager.create(rows, new Shape(positive.length, 1)));
        return logProbs.mul(positiveMask).sum().neg().div(positiveMask.sum());
    }
}
