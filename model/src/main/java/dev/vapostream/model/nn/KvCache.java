package dev.vapostream.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vapostream.model.ModelConfig;

/**
 * Keys and values of every layer for every column decoded so far, preallocated to the full
 * generation length so that a decode step writes one column in place instead of concatenating
 * (which would allocate a growing copy per step). Lives in its own manager, outside any
 * per-step NDScope.
 */
public final class KvCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;

    public KvCache(ModelConfig config, int batchSize, int capacity) {
        this.manager = NDManager.newBaseManager();
        this.capacity = capacity;
        this.keys = new NDArray[config.layers()];
        this.values = new NDArray[config.layers()];
        Shape shape = new Shape(batchSize, config.heads(), capacity, config.headWidth());
        for (int layer = 0; layer < config.layers(); layer++) {
            keys[layer] = manager.zeros(shape, DataType.FLOAT32);
            values[layer] = manager.zeros(shape, DataType.FLOAT32);
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Stores keys and values (B, H, T, dh) of columns [start, start + T). */
    void write(int layer, int start, NDArray newKeys, NDArray newValues) {
        long end = start + newKeys.getShape().get(2);
        if (end > capacity) {
            throw new IllegalStateException("KV cache holds " + capacity + " columns, asked to write up to " + end);
        }
        NDIndex columns = new NDIndex(":, :, {}:{}", start, end);
        keys[layer].set(columns, newKeys);
        values[layer].set(columns, newValues);
    }

    /** Keys of columns [0, end): a fresh array owned by the caller's scope. */
    NDArray keysUpTo(int layer, int end) {
        return keys[layer].get(new NDIndex(":, :, :{}", end));
    }

    NDArray valuesUpTo(int layer, int end) {
        return values[layer].get(new NDIndex(":, :, :{}", end));
    }

    @Override
    public void close() {
        manager.close();
    }
}
