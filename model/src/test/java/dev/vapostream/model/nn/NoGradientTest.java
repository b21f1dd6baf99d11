package dev.vapostream.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class NoGradientTest {

    @Test
    void opsInsideAreNotRecordedAndRecordingResumesAfter() {
        try (NDManager manager = NDManager.newBaseManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray x = manager.create(new float[] {1f, 2f});
            x.setRequiresGradient(true);
            // Given recording is on, backward through an op reaches the parameter: d/dx Σx² = 2x
            collector.backward(x.mul(x).sum());
            assertArrayEquals(new float[] {2f, 4f}, x.getGradient().toFloatArray(), 1e-6f);

            // When the same op runs inside NoGradient, Then nothing was recorded for backward to follow
            NDArray unrecorded;
            try (NoGradient off = NoGradient.enter()) {
                assertFalse(JniUtils.isGradMode());
                unrecorded = x.mul(x).sum();
            }
            assertThrows(Exception.class, () -> collector.backward(unrecorded));

            // And after it, recording is back on
            assertTrue(JniUtils.isGradMode());
            x.getGradient().subi(x.getGradient());
            collector.backward(x.mul(x).sum());
            assertArrayEquals(new float[] {2f, 4f}, x.getGradient().toFloatArray(), 1e-6f);
        }
    }
}
