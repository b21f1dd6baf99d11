package dev.vapostream.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Builds the additive attention bias that combines causality with key padding. Causality is
 * a comparison of two aranges (the engine has no triu). Masked entries get a finite large
 * negative number rather than -inf: a padding query sees only padding keys, and a fully -inf row
 * would turn into NaN that then leaks through 0 * NaN into real rows.
 */
public final class AttentionBias {

    public static final float MASKED = -1e9f;

    private AttentionBias() {
    }

    /**
     * @param keyValid (B * S) row-major 1/0 flags: may this key column be attended to
     * @param start column of the first query
     * @param queries number of query columns T; S = start + T
     */
    public static NDArray build(NDManager manager, float[] keyValid, int batchSize, int start, int queries) {
        int keysPerRow = start + queries;
        if (keyValid.length != batchSize * keysPerRow) {
            throw new IllegalArgumentException("keyValid holds " + keyValid.length
                    + " flags, expected " + batchSize + " x " + keysPerRow);
        }
        NDArray queryColumns = manager.arange(start, keysPerRow, 1, DataType.INT64).reshape(queries, 1);
        NDArray keyColumns = manager.arange(0, keysPerRow, 1, DataType.INT64).reshape(1, keysPerRow);
        NDArray causal = keyColumns.lte(queryColumns).toType(DataType.FLOAT32, false)
                .reshape(1, 1, queries, keysPerRow);
        NDArray valid = manager.create(keyValid, new Shape(batchSize, 1, 1, keysPerRow));
        NDArray allowed = causal.mul(valid);
        return allowed.sub(Scalars.of(manager, 1f)).mul(Scalars.of(manager, -MASKED));
    }
}
