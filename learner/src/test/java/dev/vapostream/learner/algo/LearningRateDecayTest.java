package dev.vapostream.learner.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateDecayTest {

    @Test
    void startsAtTheFullRateAndEndsAtTheFinalFractionOnTheLastUpdate() {
        // Given updates decaying to a tenth, then the first has the full rate, the middle one (150 of
        // 301) is half way, the last and any beyond it have a tenth
        assertEquals(1.0, LearningRateDecay.cosine(0.1, 0, 300), 1e-12);
        assertEquals(0.55, LearningRateDecay.cosine(0.1, 150, 301), 1e-12);
        assertEquals(0.1, LearningRateDecay.cosine(0.1, 299, 300), 1e-12);
        assertEquals(0.1, LearningRateDecay.cosine(0.1, 400, 300), 1e-12);
    }

    @Test
    void decreasesMonotonically() {
        double previous = Double.MAX_VALUE;
        for (int done = 0; done < 300; done++) {
            double now = LearningRateDecay.cosine(0.1, done, 300);
            assertTrue(now <= previous, "update " + done);
            previous = now;
        }
    }

    @Test
    void aFinalFractionOfOneKeepsTheRateConstant() {
        for (int done = 0; done < 10; done++) {
            assertEquals(1.0, LearningRateDecay.cosine(1.0, done, 10), 1e-12);
        }
    }

    @Test
    void refusesAFractionOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateDecay.cosine(0, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> LearningRateDecay.cosine(1.5, 1, 10));
    }
}
