package dev.vapostream.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.nn.AttentionBias;
import dev.vapostream.model.nn.KvCache;
import dev.vapostream.model.nn.PromptLayout;
import dev.vapostream.model.nn.TrunkInput;
import java.util.List;

/**
 * Incremental decoding of a batch of prompts with a KV cache: {@link #prefill} runs the
 * left-padded prompts once, then each {@link #next} feeds one token per row and returns the
 * logits for the following position. Arrays returned belong to the decoder's manager and are
 * meant to be created inside the caller's per-step {@code NDScope}; only the cache outlives a
 * step.
 */
public final class KvDecoder implements AutoCloseable {

    private final PolicyModel model;
    private final PromptLayout layout;
    private final KvCache cache;
    private final NDManager manager;
    /** Key-padding bias (B, 1, 1, capacity) for single-token steps, built once, sliced per step. */
    private final NDArray stepBias;
    private int nextColumn;

    /** @param maxNewTokens how many tokens will be generated per row at most */
    public KvDecoder(PolicyModel model, List<int[]> prompts, int maxNewTokens) {
        this.model = model;
        this.layout = new PromptLayout(prompts, model.config().responseStart());
        int contextLength = model.config().contextLength();
        for (int row = 0; row < layout.batchSize(); row++) {
            if (layout.positionsUsed(row, maxNewTokens - 1) > contextLength) {
                throw new IllegalArgumentException("prompt " + row + " of " + layout.promptLength(row) + " tokens plus "
                        + maxNewTokens + " new tokens exceeds the context of " + contextLength);
            }
        }
        // The last sampled token is never fed back, hence the -1.
        this.cache = new KvCache(model.config(), layout.batchSize(), layout.width() + maxNewTokens - 1);
        this.manager = NDManager.newBaseManager();
        // A single new query may see every cached column except prompt padding, so causality
        // needs no mask here and the bias is the same for every step up to its length.
        float[] valid = keyValid(cache.capacity());
        float[] bias = new float[valid.length];
        for (int i = 0; i < valid.length; i++) {
            bias[i] = valid[i] > 0f ? 0f : AttentionBias.MASKED;
        }
        this.stepBias = manager.create(bias, new Shape(layout.batchSize(), 1, 1, cache.capacity()));
    }

    public int batchSize() {
        return layout.batchSize();
    }

    /** Logits (B, V) predicting the first response token of every row. */
    public NDArray prefill() {
        if (nextColumn != 0) {
            throw new IllegalStateException("prefill runs once, first");
        }
        int batch = layout.batchSize();
        int width = layout.width();
        long[] tokens = new long[batch * width];
        long[] positions = new long[batch * width];
        for (int row = 0; row < batch; row++) {
            for (int column = 0; column < width; column++) {
                tokens[row * width + column] = layout.token(row, column);
                positions[row * width + column] = layout.position(row, column);
            }
        }
        Shape shape = new Shape(batch, width);
        TrunkInput input = new TrunkInput(manager.create(tokens, shape), manager.create(positions, shape),
                AttentionBias.build(manager, keyValid(width), batch, 0, width), 0);
        nextColumn = width;
        return lastColumn(model.logits(input, cache));
    }

    /** Feeds one token per row (at the next column) and returns the logits (B, V) after it. */
    public NDArray next(int[] tokens) {
        if (nextColumn == 0) {
            throw new IllegalStateException("prefill first");
        }
        int batch = layout.batchSize();
        if (tokens.length != batch) {
            throw new IllegalArgumentException("expected " + batch + " tokens, got " + tokens.length);
        }
        long[] ids = new long[batch];
        long[] positions = new long[batch];
        for (int row = 0; row < batch; row++) {
            ids[row] = tokens[row];
            positions[row] = layout.position(row, nextColumn);
        }
        Shape shape = new Shape(batch, 1);
        TrunkInput input = new TrunkInput(manager.create(ids, shape), manager.create(positions, shape),
                stepBias.get(new NDIndex(":, :, :, :{}", nextColumn + 1)), nextColumn);
        nextColumn++;
        return lastColumn(model.logits(input, cache));
    }

    /** Row-major flags over the first {@code columns} columns: prompt padding is invisible. */
    private float[] keyValid(int columns) {
        int batch = layout.batchSize();
        float[] valid = new float[batch * columns];
        for (int row = 0; row < batch; row++) {
            for (int column = 0; column < columns; column++) {
                boolean real = column >= layout.width() || layout.isReal(row, column);
                valid[row * columns + column] = real ? 1f : 0f;
            }
        }
        return valid;
    }

    private static NDArray lastColumn(NDArray logits) {
        return logits.get(new NDIndex(":, -1, :"));
    }

    @Override
    public void close() {
        cache.close();
        manager.close();
    }
}
