package dev.vapostream.learner.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ValuePretrainGateTest {

    @Test
    void pretrainingEndsWhenTheMovingAverageStopsRising() {
        // Given a gate over a 2-step average, patience 3, at least 4 steps, at most 50
        ValuePretrainGate gate = new ValuePretrainGate(new ValuePretrainGate.Settings(4, 50, 2, 3, 0.01), List.of());
        // When explained variance rises for five steps and then stays flat
        double[] evs = {0.0, 0.1, 0.2, 0.3, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4};
        int endedAt = -1;
        for (int i = 0; i < evs.length && endedAt < 0; i++) {
            if (gate.record(evs[i])) {
                endedAt = i + 1;
            }
        }
        // Then it ends three steps after the last gain of at least 0.01 (the average 0.4 first seen at step 6)
        assertEquals(9, endedAt);
        assertEquals(ValuePretrainGate.Reason.PLATEAU, gate.reason());
        assertEquals(0.4, gate.best(), 1e-12);
    }

    @Test
    void theCapEndsPretrainingWhateverTheCurveDoes() {
        ValuePretrainGate gate = new ValuePretrainGate(new ValuePretrainGate.Settings(1, 5, 1, 100, 0.0), List.of());
        for (int i = 1; i < 5; i++) {
            assertFalse(gate.record(0.1 * i));
        }
        assertTrue(gate.record(0.5));
        assertEquals(ValuePretrainGate.Reason.CAP, gate.reason());
    }

    @Test
    void aPlateauBeforeTheMinimumStepsDoesNotEndIt() {
        ValuePretrainGate gate = new ValuePretrainGate(new ValuePretrainGate.Settings(10, 50, 1, 2, 0.01), List.of());
        for (int i = 1; i < 10; i++) {
            assertFalse(gate.record(0.3), "step " + i);
        }
        assertTrue(gate.record(0.3));
    }

    @Test
    void undefinedStepsCountButLeaveTheAverageAlone() {
        ValuePretrainGate gate = new ValuePretrainGate(new ValuePretrainGate.Settings(0, 50, 3, 10, 0.0), List.of());
        gate.record(0.2);
        gate.record(Double.NaN);
        gate.record(0.4);
        assertEquals(3, gate.steps());
        assertEquals(0.3, gate.movingAverage(), 1e-12);
    }

    @Test
    void aResumedGateContinuesFromItsHistory() {
        ValuePretrainGate.Settings settings = new ValuePretrainGate.Settings(0, 50, 1, 2, 0.01);
        ValuePretrainGate resumed = new ValuePretrainGate(settings, List.of(0.1, 0.5, 0.5));
        assertFalse(resumed.done());
        assertTrue(resumed.record(0.5));
        assertEquals(4, resumed.steps());
    }

    @Test
    void patienceZeroRunsExactlyTheCapAndNoneRunsNothing() {
        ValuePretrainGate fixed = new ValuePretrainGate(new ValuePretrainGate.Settings(0, 3, 1, 0, 0.0), List.of());
        assertFalse(fixed.record(0.0));
        assertFalse(fixed.record(0.0));
        assertTrue(fixed.record(0.0));
        assertTrue(new ValuePretrainGate(ValuePretrainGate.Settings.none(), List.of()).done());
    }

    @Test
    void theCriticsRateFallsFromFullToItsFinalFractionOverTheCap() {
        // Given value pretraining capped at 5 steps with the critic's rate falling to a tenth
        ValuePretrainGate.Settings falling = new ValuePretrainGate.Settings(0, 5, 1, 2, 0.01, 0.1);
        // Then the first step trains at the full rate, the middle one halfway along the cosine, the last at a tenth
        assertEquals(1.0, falling.criticLrScale(0), 1e-12);
        assertEquals(0.55, falling.criticLrScale(2), 1e-12);
        assertEquals(0.1, falling.criticLrScale(4), 1e-12);
        // And the five-argument settings keep it constant
        assertEquals(1.0, new ValuePretrainGate.Settings(0, 5, 1, 2, 0.01).criticLrScale(4), 1e-12);
    }

    @Test
    void aFinalCriticRateOutsideZeroToOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new ValuePretrainGate.Settings(0, 5, 1, 2, 0.01, 0.0));
        assertTrue(e.getMessage().contains("value-pretrain-critic-lr-final must be in (0, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ValuePretrainGate.Settings(0, 5, 1, 2, 0.01, 1.5));
    }
}
