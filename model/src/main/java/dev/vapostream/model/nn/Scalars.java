package dev.vapostream.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Natively allocated scalar tensors. {@code NDArray.mul(Number)} and friends wrap Java memory
 * that autograd may read after it was freed (seen as random Inf/NaN gradients, see
 * docs/model.md, "Engine settings"), so every constant that meets a differentiated value goes through here.
 */
public final class Scalars {

    private Scalars() {
    }

    public static NDArray of(NDManager manager, float value) {
        return manager.full(new Shape(), value);
    }
}
