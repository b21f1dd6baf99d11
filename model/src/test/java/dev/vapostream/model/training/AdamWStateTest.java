package dev.vapostream.model.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class AdamWStateTest {

    @Test
    void anOptimizerRestoredFromAStateTakesTheSameNextStepAsTheOriginal() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Given two identical parameters, one optimizer stepped twice and its state copied to a fresh one
            NDArray a = m.create(new float[] {1f, -2f, 3f}, new Shape(1, 3));
            NDArray b = a.duplicate();
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (AdamW first = new AdamW(List.of(a), 0.01f); AdamW second = new AdamW(List.of(b), 0.01f)) {
                for (int i = 0; i < 2; i++) {
                    gradient(m, a);
                    first.step(m, 0.1f);
                }
                b.set(a.toFloatArray());
                second.restore(first.state());

                // When both take one more step on the same gradient
                gradient(m, a);
                first.step(m, 0.1f);
                gradient(m, b);
                second.step(m, 0.1f);

                // Then they agree exactly and count the same steps
                assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f);
                assertEquals(3, second.steps());
            }
        }
    }

    private static void gradient(NDManager m, NDArray x) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(x.square().sum());
        }
    }
}
