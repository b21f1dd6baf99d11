package dev.vapostream.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * One forward call's input to the trunk.
 *
 * @param tokens token ids (B, T), int64
 * @param positions position ids (B, T), int64; each row counts from its first real token
 * @param attentionBias additive attention bias (B, 1, T, S): 0 where a query may see a key,
 *     a large negative number elsewhere; S = start + T
 * @param start column of the first token in {@code tokens}; 0 without a KV cache
 */
public record TrunkInput(NDArray tokens, NDArray positions, NDArray attentionBias, int start) {
}
