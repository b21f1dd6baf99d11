package dev.vapostream.learner.algo;

import ai.djl.ndarray.NDArray;

/** Masked means over (B, R) tensors, differentiable. */
final class MaskedMean {
    private MaskedMean() {
    }

    /** Σ x·mask / Σ mask over the whole batch. */
    static NDArray overTokens(NDArray x, NDArray mask) {
        return x.mul(mask).sum().div(mask.sum());
    }

    /** Mean over rows of (Σ_t x·mask / Σ_t mask); rows are assumed to have at least one token. */
    static NDArray overSequences(NDArray x, NDArray mask) {
        NDArray perRow = x.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}));
        return perRow.mean();
    }

    static NDArray aggregate(NDArray x, NDArray mask, Aggregation aggregation) {
        return aggregation == Aggregation.TOKEN ? overTokens(x, mask) : overSequences(x, mask);
    }
}
