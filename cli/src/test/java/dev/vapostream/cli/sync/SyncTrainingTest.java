package dev.vapostream.cli.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.learner.Algorithm;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.TaskExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncTrainingTest {

    @Test
    void pretrainsTheCriticThenUpdatesThePolicyWritingAStepLineWithPhaseSecondsAndTheFinalPolicy(@TempDir Path dir)
        throws Exception {
        // Given an untrained policy, two prompts of four responses a step, two value-pretraining steps
        BuiltInTask task = BuiltInTask.DEFAULT;
        byte[] base;
        try (PolicyModel policy = PolicyModel.initialise(task.defaultModelConfig(), 7)) {
            base = policy.encodeWeights();
        }
        Properties p = new Properties();
        p.setProperty("prompts.per.step", "2");
        p.setProperty("group.size", "4");
        p.setProperty("value.pretrain.steps", "2");
        p.setProperty("value.pretrain.min.steps", "2");
        p.setProperty("dynamic.sampling", "false");
        List<TaskExample> problems = List.of(new TaskExample("a", "1+2=", "3", List.of()),
            new TaskExample("b", "4+5+6=", "5", List.of("hard")), new TaskExample("c", "7+8=", "5", List.of()));
        SyncTraining.Run run = new SyncTraining.Run(dir, "test", task, problems, problems, base,
            Algorithm.fromProperties(p), new EstimatorSettings(EstimatorSettings.vapo().estimator(), 1, 1, Double.NaN, 1),
            2, 0.1, 1, 3);

        // When it trains for two policy updates
        SyncTraining.Result result = new SyncTraining(run).run();

        // Then two critic-only steps came first, each step has a metrics line with its phases' seconds,
        // every policy update was evaluated, and the final policy was written and moved away from the base
        assertEquals(2, result.policyUpdates());
        assertEquals(4, result.steps());
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        assertEquals(4, lines.size());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 4; i++) {
            JsonNode step = json.readTree(lines.get(i));
            assertEquals(i < 2 ? "VALUE_PRETRAIN" : "POLICY", step.get("phase").asText());
            assertEquals(Math.max(0, i - 1), step.get("policyVersion").asInt());
            for (String phase : List.of("sampleSeconds", "scoreSeconds", "criticSeconds", "advantagesSeconds",
                "updateSeconds", "stepSeconds")) {
                assertTrue(step.get(phase).asDouble() >= 0, phase + " in " + step);
            }
            assertEquals(i >= 2, step.hasNonNull("heldOutAccuracy"), lines.get(i));
            assertEquals(8 * (i + 1), step.get("samplesDrawn").asInt());
        }
        assertNotNull(result.lastEvaluation());
        byte[] trained = Files.readAllBytes(dir.resolve("policy.weights"));
        assertFalse(Arrays.equals(base, trained));
        PolicyModel.fromWeights(trained).close();
    }
}
