package dev.vapostream.model.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws initial values on the Java side from a seeded generator, so initialisation is identical
 * across runs, machines and PyTorch builds, independent of the engine's global random state.
 */
public final class ParameterInitializer {

    private final SplittableRandom random;

    public ParameterInitializer(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public float[] normal(int[] shape, double std) {
        float[] values = new float[size(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return values;
    }

    public static float[] constant(int[] shape, float value) {
        float[] values = new float[size(shape)];
        Arrays.fill(values, value);
        return values;
    }

    private static int size(int[] shape) {
        int size = 1;
        for (int dim : shape) {
            size = Math.multiplyExact(size, dim);
        }
        return size;
    }
}
