package dev.vapostream.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CriticBoundTest {

    @Test
    void onTheRunningSumTaskABayesOptimalCriticExplainsAboutAQuarter() {
        // The figure bench/critic_ev_bound.py gives for lines slipping with probability 0.5 (0.23)
        CriticBound.Bound bound = CriticBound.of(BuiltInTask.RUNNING_SUM, 8000, 1);
        assertEquals(0.23, bound.explainedVariance(), 0.02);
        assertEquals(0.0, bound.hardShare());
        assertEquals(0.18, bound.successRate(), 0.02);
    }

    @Test
    void onTheBlindSpotTaskItExplainsMoreThanHalfAndTheBaseSucceedsFiveToTwentyPercent() {
        CriticBound.Bound bound = CriticBound.of(BuiltInTask.BLIND_SPOTS, 8000, 1);
        assertTrue(bound.explainedVariance() >= 0.5, "explained variance " + bound.explainedVariance());
        assertTrue(bound.successRate() >= 0.05 && bound.successRate() <= 0.20, "success " + bound.successRate());
        assertTrue(bound.hardShare() >= 0.15, "hard share " + bound.hardShare());
    }

    @Test
    void theSameSeedGivesTheSameBound() {
        assertEquals(CriticBound.of(BuiltInTask.BLIND_SPOTS, 500, 3), CriticBound.of(BuiltInTask.BLIND_SPOTS, 500, 3));
    }
}
