package dev.vapostream.model;

import java.util.List;

import ai.djl.ndarray.NDArray;

/**
 * Teacher-forced critic outputs over response tokens, (B, R) and differentiable.
 *
 * @param values V(state before response token j); 0 at padding
 * @param mask 1 for real response tokens, 0 for padding
 */
public record ValueScores(NDArray values, NDArray mask) {

    /** The values copied out, one array per response, as long as that response (the padding left off). */
    public List<float[]> perResponse(List<int[]> responses) {
        return ResponseRows.of(values, responses);
    }
}
