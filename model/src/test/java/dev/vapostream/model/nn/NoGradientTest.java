package dev.vapostream.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class NoGradientTest {

    @Test
    void aResultComputedInsideCannotBeBackPropagated() {
        try (NDManager manager = NDManager.newBaseManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray x = manager.create(new float[] {1f, 2f});
            x.setRequiresGradient(true);
            // Given a loss computed inside NoGradient while a collector is open
            NDArray unrecorded;
            try (NoGradient off = NoGradient.enter()) {
                assertFalse(JniUtils.isGradMode());
                unrecorded = x.mul(x).sum();
            }
            // When back-propagating it, Then the engine refuses: no graph was recorded
            assertThrows(EngineException.class, () -> collector.backward(unrecorded));
            // And after NoGradient, recording is back on: the same loss back-propagates to 2x
            assertTrue(JniUtils.isGradMode());
            collector.backward(x.mul(x).sum());
            assertArrayEquals(new float[] {2f, 4f}, x.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
