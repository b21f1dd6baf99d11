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
 * @param addedEmbedding (B, T, width) added to the token and position embeddings, e.g. a
 *     critic's projection of per-token features; null for none
 */
public record TrunkInput(NDArray tokens, NDArray positions, NDArray attentionBias, int start, NDArray addedEmbedding) {

    /** An input with nothing added to the embeddings. */
    public TrunkInput(NDArray tokens, NDArray positions, NDArray attentionBias, int start) {
        this(tokens, positions, attentionBias, start, null);
    }

    /** This input with {@code embedding} added to its embeddings. */
    public TrunkInput withAddedEmbedding(NDArray embedding) {
        return new TrunkInput(tokens, positions, attentionBias, start, embedding);
    }
}
