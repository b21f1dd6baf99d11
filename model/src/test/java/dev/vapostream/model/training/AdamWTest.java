package dev.vapostream.model.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void firstStepMovesEachWeightByTheLearningRateAgainstItsGradientSign() {
        // Given a vector parameter and loss sum(x * c): the gradient is c
        try (NDManager manager = NDManager.newBaseManager();
                NDManager step = NDManager.newBaseManager()) {
            NDArray x = parameter(manager, new float[] {1f, 2f, 3f}, new Shape(3));
            backward(x, manager.create(new float[] {0.5f, -4f, 2f}));
            // When AdamW (no decay on vectors) takes one step with learning rate 0.1
            try (AdamW adam = new AdamW(List.of(x), 0.5f)) {
                adam.step(step, 0.1f);
                // Then bias-corrected m / sqrt(v) is sign(g), so x moves by -0.1 * sign(g)
                assertArrayEquals(new float[] {0.9f, 2.1f, 2.9f}, x.toFloatArray(), 1e-5f);
                assertEquals(1, adam.steps());
            }
        }
    }

    @Test
    void matricesAreDecayedAndGradientsAreZeroedAfterTheStep() {
        try (NDManager manager = NDManager.newBaseManager();
                NDManager step = NDManager.newBaseManager()) {
            // Given a matrix whose gradient is zero
            NDArray w = parameter(manager, new float[] {1f, -2f, 4f, 8f}, new Shape(2, 2));
            backward(w, manager.zeros(new Shape(2, 2)));
            try (AdamW adam = new AdamW(List.of(w), 0.5f)) {
                // When one step with learning rate 0.1 and weight decay 0.5 is taken
                adam.step(step, 0.1f);
            }
            // Then the weights shrink by 1 - 0.1 * 0.5 and the gradient is zero
            assertArrayEquals(new float[] {0.95f, -1.9f, 3.8f, 7.6f}, w.toFloatArray(), 1e-6f);
            assertArrayEquals(new float[4], w.getGradient().toFloatArray());
        }
    }

    @Test
    void repeatedStepsMinimiseAQuadratic() {
        // Given loss sum((x - 3)^2) from x = 0
        try (NDManager manager = NDManager.newBaseManager();
                NDArray x = parameter(manager, new float[] {0f, 0f}, new Shape(2));
                AdamW adam = new AdamW(List.of(x), 0f)) {
            NDArray target = manager.create(new float[] {3f, 3f});
            for (int i = 0; i < 300; i++) {
                try (NDManager step = NDManager.newBaseManager()) {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.backward(x.sub(target).square().sum());
                    }
                    adam.step(step, 0.05f);
                }
            }
            // Then x ends close to 3
            assertArrayEquals(new float[] {3f, 3f}, x.toFloatArray(), 0.05f);
        }
    }

    @Test
    void stepsKeepNothingButTheMoments() {
        // Given an optimizer over a matrix and a vector
        try (NDManager manager = NDManager.newBaseManager();
                NDArray w = parameter(manager, new float[] {1f, -2f, 4f, 8f}, new Shape(2, 2));
                NDArray b = parameter(manager, new float[] {1f, 2f}, new Shape(2));
                AdamW adam = new AdamW(List.of(w, b), 0.1f)) {
            int atStart = adam.heldArrays();
            // When it takes 50 steps, each with its own step manager
            for (int i = 0; i < 50; i++) {
                try (NDManager step = NDManager.newBaseManager()) {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        collector.backward(w.square().sum().add(b.square().sum()));
                    }
                    adam.step(step, 0.01f);
                }
            }
            // Then it holds its two moments per parameter and no temporaries of the steps
            assertEquals(4, atStart);
            assertEquals(atStart, adam.heldArrays());
        }
    }

    @Test
    void aStepWorksWhileTheThreadRecordsAutograd() {
        // Given a parameter with a gradient, on a thread whose gradient mode is on (a new thread's default)
        try (NDManager manager = NDManager.newBaseManager();
                NDArray x = parameter(manager, new float[] {1f, 2f}, new Shape(2));
                AdamW adam = new AdamW(List.of(x), 0f);
                NDManager step = NDManager.newBaseManager()) {
            backward(x, manager.create(new float[] {1f, -1f}));
            boolean before = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            try {
                // When a step is taken
                adam.step(step, 0.1f);
                // Then the in-place update went through (Adam's first step moves each weight by the rate
                // against its gradient's sign) and the thread's mode is as it was
                assertArrayEquals(new float[] {0.9f, 2.1f}, x.toFloatArray(), 1e-5f);
                assertTrue(JniUtils.isGradMode());
            } finally {
                JniUtils.setGradMode(before);
            }
        }
    }

    private static NDArray parameter(NDManager manager, float[] values, Shape shape) {
        NDArray parameter = manager.create(values, shape);
        parameter.setRequiresGradient(true);
        return parameter;
    }

    /** Sets the gradient of {@code x} to {@code gradient} through loss = sum(x * gradient). */
    private static void backward(NDArray x, NDArray gradient) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(x.mul(gradient).sum());
        }
    }
}
