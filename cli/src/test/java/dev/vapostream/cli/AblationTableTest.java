package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.vapostream.cli.report.RunMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblationTableTest {

    @Test
    void eachConfigurationShowsItsMeansAndIntervalsBesideThePaper(@TempDir Path dir) throws Exception {
        // Given two vapo runs and one ppo run recorded as vapo ablate records them
        Path results = dir.resolve("results.jsonl");
        Files.writeString(results, String.join("\n",
            AblationTable.line(new AblationTable.Run("vapo", 1, 0.4, 0.1, 0.3, 30_000, 20, 120, "a")),
            AblationTable.line(new AblationTable.Run("vapo", 2, 0.6, 0.3, 0.5, 32_000, 30, 180, "b")),
            AblationTable.line(new AblationTable.Run("ppo", 1, 0.1, Double.NaN, Double.NaN, 25_600, 0, 60, "c"))) + "\n");

        // When the table is rendered
        String table = AblationTable.render(results);

        // Then vapo's final accuracy is 50% with the bootstrap interval of two seeds (the two values themselves),
        // its AUC 40%, hard 20%, 31 000 samples, 25 value-pretraining steps and 2.5 minutes on average
        assertTrue(table.contains("| vapo | 2 | 50.0 [40.0, 60.0] | 40.0 [30.0, 50.0] | 20.0 | 31000 | 25 | 2.5 | 60 |"), table);
        // And a run without an AUC or hard figure shows a dash there, and a configuration without runs dashes throughout
        assertTrue(table.contains("| ppo | 1 | 10.0 [10.0, 10.0] | — | — | 25600 | 0 | 1.0 | 5 |"), table);
        assertTrue(table.contains("| dapo | 0 | — | — | — | — | — | — | 50 |"), table);
        assertEquals("no-value-pretraining", AblateCommand.slug("w/o value pretraining"));
    }

    @Test
    void theBootstrapIntervalOfAMeanLiesAroundItAndNarrowsWithMoreSeeds() {
        List<Double> five = List.of(0.50, 0.55, 0.60, 0.65, 0.70);
        double[] ci = BootstrapInterval.ofMean(five, 1);
        assertTrue(ci[0] < 0.60 && ci[1] > 0.60 && ci[0] >= 0.50 && ci[1] <= 0.70, ci[0] + ", " + ci[1]);
        List<Double> twenty = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            twenty.addAll(five);
        }
        double[] narrower = BootstrapInterval.ofMean(twenty, 1);
        assertTrue(narrower[1] - narrower[0] < ci[1] - ci[0]);
        assertEquals(List.of(0.60, 0.60), List.of(BootstrapInterval.ofMean(List.of(0.6), 3)[0], BootstrapInterval.ofMean(List.of(0.6), 3)[1]));
    }

    @Test
    void theAreaUnderTheCurveAveragesTheEvaluationsAfterValuePretraining(@TempDir Path dir) throws Exception {
        // Given a run evaluated during value pretraining (policy v0) and at policy versions 10, 20, 30
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("metrics.jsonl"), String.join("\n",
            "{\"step\":10,\"policyVersion\":0,\"heldOutAccuracy\":0.9}",
            "{\"step\":20,\"policyVersion\":10,\"heldOutAccuracy\":0.2}",
            "{\"step\":25,\"policyVersion\":15}",
            "{\"step\":30,\"policyVersion\":20,\"heldOutAccuracy\":0.4}",
            "{\"step\":40,\"policyVersion\":30,\"heldOutAccuracy\":0.6}") + "\n");
        // Then the base-policy evaluation is left out and the rest averaged
        assertEquals(0.4, AblateCommand.policyPhaseAuc(RunMetrics.read(run)), 1e-12);
    }
}
