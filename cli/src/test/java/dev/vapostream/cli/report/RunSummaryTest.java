package dev.vapostream.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RunSummaryTest {

    private static Map<String, Double> step(double step, double minutes, Double heldOut, double samples, Double ev) {
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("step", step);
        s.put("policyVersion", step <= 2 ? 0.0 : step - 2);
        s.put("timestampMs", minutes * 60_000);
        if (heldOut != null) {
            s.put("heldOutAccuracy", heldOut);
        }
        s.put("samplesDrawn", samples);
        if (ev != null) {
            s.put("explainedVariance", ev);
            s.put("explainedVarianceHard", ev / 2);
            // Value pretraining ends after step 2; the learner repeats its last figure on every later step.
            s.put("valuePretrainEv", step <= 2 ? ev : 0.3);
        }
        s.put("deadLetteredPrompts", step > 2 ? 3.0 : 0.0);
        return s;
    }

    @Test
    void summarisesBasePeakFinalAndTheFirstTimeHeldOutReachedSixtyPercent() {
        // Given a run evaluated at steps 1, 3, 4 and 5: 0.2, 0.65 (after 2 minutes, 384 samples), 0.9, 0.85
        RunMetrics run = new RunMetrics("seed1", List.of(step(1, 0, 0.2, 128, 0.1), step(2, 1, null, 256, 0.3),
            step(3, 2, 0.65, 384, 0.5), step(4, 3, 0.9, 512, null), step(5, 4, 0.85, 640, 0.7)), Map.of());
        // When summarised
        RunSummary s = RunSummary.of(run);
        // Then each figure comes from the step it names
        assertEquals(0.2, s.base());
        assertEquals(0.9, s.peak());
        assertEquals(0.85, s.last());
        assertEquals(2.0, s.minutesToTarget(), 1e-9);
        assertEquals(384, s.samplesToTarget());
        assertEquals((0.1 + 0.3 + 0.5 + 0.7) / 4, s.recentEv(), 1e-9);
        assertEquals((0.1 + 0.3 + 0.5 + 0.7) / 8, s.recentEvHard(), 1e-9);
        assertEquals((0.1 + 0.3) / 2, s.valuePretrainEv(), 1e-9);
        assertEquals(3, s.deadLetteredPrompts());
    }

    @Test
    void aRunThatNeverReachesTheTargetHasNoTimeToIt() {
        RunMetrics run = new RunMetrics("flat", List.of(step(1, 0, 0.2, 128, null), step(2, 1, 0.4, 256, null)), Map.of());
        RunSummary s = RunSummary.of(run);
        assertTrue(Double.isNaN(s.minutesToTarget()) && Double.isNaN(s.samplesToTarget()));
        assertTrue(Double.isNaN(s.recentEv()));
    }

    @Test
    void onlyTheSettingsThatDifferBetweenRunsAreListed() {
        RunMetrics a = new RunMetrics("a", List.of(), Map.of("preset", "vapo", "seed", "1", "max.steps", "300"));
        RunMetrics b = new RunMetrics("b", List.of(), Map.of("preset", "dapo", "seed", "1"));
        assertEquals(List.of("max.steps", "preset"), RunSummary.differingSettings(List.of(a, b)));
    }
}
