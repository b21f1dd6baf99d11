package dev.vapostream.model.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class NoGradientTest {

    @Test
    void opsInsideAreNotRecordedAndRecordingResumesAfter() {
        try (NDManager manager = NDManager.newBaseManager();
                GradientCollector ignored = Engine.getInstance().newGradientCollector()) {
            NDArray x = manager.create(new float[] {1f, 2f});
            x.setRequiresGradient(true);
            // Given recording is on, an op on a parameter is recorded
            assertTrue(recorded(x.mul(x)));
            // When inside NoGradient, Then the same op is not recorded
            try (NoGradient off = NoGradient.enter()) {
                assertFalse(JniUtils.isGradMode());
                assertFalse(recorded(x.mul(x)));
            }
            // And after it, recording is back on
            assertTrue(JniUtils.isGradMode());
            assertTrue(recorded(x.mul(x)));
        }
    }

    /**
     * Whether autograd recorded the op: its result then requires a gradient. (Asking the engine for
     * the result's grad-function names instead crashes the JVM when there is none.)
     */
    private static boolean recorded(NDArray result) {
        return JniUtils.requiresGrad((PtNDArray) result);
    }
}
