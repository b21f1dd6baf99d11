package dev.vapostream.model;

import ai.djl.ndarray.NDArray;

/**
 * Teacher-forced critic outputs over response tokens, (B, R) and differentiable.
 *
 * @param values V(state before response token j); 0 at padding
 * @param mask 1 for real response tokens, 0 for padding
 */
public record ValueScores(NDArray values, NDArray mask) {
}
