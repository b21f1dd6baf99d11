package dev.vapostream.model.weights;

import java.util.Arrays;

/** One parameter tensor as plain Java data: a name, a shape and row-major float32 values. */
public record NamedTensor(String name, int[] shape, float[] values) {

    public NamedTensor {
        long size = 1;
        for (int dim : shape) {
            if (dim <= 0) {
                throw new IllegalArgumentException(name + ": dimensions must be positive, got " + Arrays.toString(shape));
            }
            size *= dim;
        }
        if (size != values.length) {
            throw new IllegalArgumentException(
                    name + ": shape " + Arrays.toString(shape) + " holds " + size + " values, got " + values.length);
        }
        shape = shape.clone();
        values = values.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }
}
