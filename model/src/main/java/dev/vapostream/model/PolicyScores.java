package dev.vapostream.model;

import ai.djl.ndarray.NDArray;

/**
 * Teacher-forced policy outputs over response tokens, all (B, R) and differentiable.
 *
 * @param logProbs log pi(token_j | prompt, tokens before j) at temperature 1; 0 at padding
 * @param entropy entropy of the full next-token distribution at temperature 1; 0 at padding
 * @param mask 1 for real response tokens, 0 for padding
 */
public record PolicyScores(NDArray logProbs, NDArray entropy, NDArray mask) {
}
