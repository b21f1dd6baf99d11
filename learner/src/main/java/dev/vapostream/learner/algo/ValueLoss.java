package dev.vapostream.learner.algo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vapostream.model.nn.Scalars;

/**
 * The critic's clipped regression to its targets: ½·max((V − G)², (V_clip − G)²) per token with
 * V_clip = V_old + clip(V − V_old, −c, c), averaged over tokens. The clip keeps one update from
 * moving a value far from the values the advantages were computed with.
 */
public final class ValueLoss {
    private ValueLoss() {
    }

    public static NDArray clipped(NDManager manager, NDArray values, NDArray oldValues, NDArray returns, NDArray mask,
                                  float clipRange) {
        NDArray low = Scalars.of(manager, -clipRange);
        NDArray high = Scalars.of(manager, clipRange);
        NDArray clippedValues = oldValues.add(values.sub(oldValues).maximum(low).minimum(high));
        NDArray plain = values.sub(returns).square();
        NDArray clippedError = clippedValues.sub(returns).square();
        NDArray perToken = plain.maximum(clippedError).mul(Scalars.of(manager, 0.5f));
        return MaskedMean.overTokens(perToken, mask);
    }
}
