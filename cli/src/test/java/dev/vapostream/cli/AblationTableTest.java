package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblationTableTest {

    @Test
    void meanAndSpreadPerConfigurationBesideThePaper(@TempDir Path dir) throws Exception {
        Path results = Files.writeString(dir.resolve("results.jsonl"), String.join("\n",
            "{\"configuration\":\"vapo\",\"seed\":1,\"heldOutAccuracy\":0.4000,\"run\":\"a\"}",
            "{\"configuration\":\"vapo\",\"seed\":2,\"heldOutAccuracy\":0.6000,\"run\":\"b\"}",
            "{\"configuration\":\"ppo\",\"seed\":1,\"heldOutAccuracy\":0.1000,\"run\":\"c\"}") + "\n");
        String table = AblationTable.render(results);
        assertTrue(table.contains("| vapo | 2 | 50.0 ± 14.1 | — | — | 60 |"), table);
        assertTrue(table.contains("| ppo | 1 | 10.0 ± 0.0 | — | — | 5 |"), table);
        assertTrue(table.contains("| dapo | 0 | — | — | — | 50 |"), table);
        assertEquals("no-value-pretraining", AblateCommand.slug("w/o value pretraining"));
    }

    @Test
    void theRunsCurvesGiveTheMeanOfTheLastFiveEvaluationsAndTheFirstStepAt60Percent(@TempDir Path dir) throws Exception {
        // Given two recorded vapo runs: one evaluated at steps 10..60 reaching 60% at step 40, one that never does
        curve(dir.resolve("a"), 0.2, 0.3, 0.5, 0.6, 0.7, 0.8);
        curve(dir.resolve("b"), 0.1, 0.1, 0.2, 0.2, 0.3, 0.3);
        Path results = Files.writeString(dir.resolve("results.jsonl"), String.join("\n",
            "{\"configuration\":\"vapo\",\"seed\":1,\"heldOutAccuracy\":0.8000,\"run\":\"a\"}",
            "{\"configuration\":\"vapo\",\"seed\":2,\"heldOutAccuracy\":0.3000,\"run\":\"b\"}") + "\n");

        // When the table is rendered
        String table = AblationTable.render(results);

        // Then the last five evaluations average (0.58 + 0.22) / 2 = 40%, and one run of two reached 60% at step 40
        assertTrue(table.contains("| vapo | 2 | 55.0 ± 35.4 | 40.0 | 40 (1/2) | 60 |"), table);
    }

    private static void curve(Path run, double... heldOut) throws Exception {
        Files.createDirectories(run);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < heldOut.length; i++) {
            lines.append("{\"step\":").append(10 * (i + 1)).append(",\"heldOutAccuracy\":").append(heldOut[i]).append("}\n");
        }
        Files.writeString(run.resolve("metrics.jsonl"), lines.toString());
    }
}
