package dev.vapostream.model;

import java.util.List;

import ai.djl.ndarray.NDArray;

/**
 * Teacher-forced policy outputs over response tokens, all (B, R) and differentiable.
 *
 * @param logProbs log pi(token_j | prompt, tokens before j) at temperature 1; 0 at padding
 * @param entropy entropy of the full next-token distribution at temperature 1; 0 at padding
 * @param mask 1 for real response tokens, 0 for padding
 */
public record PolicyScores(NDArray logProbs, NDArray entropy, NDArray mask) {

    /** The log-probabilities copied out, one array per response, as long as that response. */
    public List<float[]> logProbsPerResponse(List<int[]> responses) {
        return ResponseRows.of(logProbs, responses);
    }

    /** The entropies copied out, one array per response, as long as that response. */
    public List<float[]> entropyPerResponse(List<int[]> responses) {
        return ResponseRows.of(entropy, responses);
    }
}
