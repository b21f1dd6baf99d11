package dev.vapostream.model.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    @Test
    void gradientsAboveTheLimitAreScaledToItJointly() {
        // Given two parameters with gradients (3) and (4): global norm 5
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1f});
            NDArray b = manager.create(new float[] {1f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(a.mul(manager.create(3f)).add(b.mul(manager.create(4f))).sum());
            }
            // When clipped to norm 1
            double norm = GradientClipping.clipGlobalNorm(manager, List.of(a, b), 1f);
            // Then the returned norm is the original and the gradients keep their direction at norm 1
            assertEquals(5.0, norm, 1e-5);
            assertArrayEquals(new float[] {0.6f}, a.getGradient().toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {0.8f}, b.getGradient().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void gradientsBelowTheLimitAreUntouched() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1f, 1f});
            a.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(a.mul(manager.create(new float[] {0.3f, -0.4f})).sum());
            }
            assertEquals(0.5, GradientClipping.clipGlobalNorm(manager, List.of(a), 1f), 1e-6);
            assertArrayEquals(new float[] {0.3f, -0.4f}, a.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
