package dev.vapostream.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;

import dev.vapostream.schemas.avro.RunContract;
import org.junit.jupiter.api.Test;

class RunContractTest {

    private static Properties settings(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "127.0.0.1:1");
        p.setProperty("registry.url", "http://127.0.0.1:2");
        p.setProperty("run.dir", "runs/contract-test");
        p.setProperty("base.policy", "base.weights");
        p.setProperty("train.data", "train.jsonl");
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void theContractCarriesTheResolvedGroupSizeAndEstimator() {
        // Given the vapo preset with G = 8 and alpha 1
        RunContract vapo = LearnerConfig.fromProperties(settings("group.size", "8", "alpha", "1.0")).runContract();
        // Then the contract names the run, its G, its estimator and the numbers set, and leaves the rest to the preset
        assertEquals("contract-test", vapo.getRunId());
        assertEquals(8, vapo.getGroupSize());
        assertEquals("vapo", vapo.getEstimator());
        assertEquals(1.0, vapo.getAlpha());
        assertNull(vapo.getGamma());
        // And switches that change G or the estimator are resolved before they reach it
        RunContract fewer = LearnerConfig.fromProperties(settings("group.sampling", "false")).runContract();
        assertEquals(4, fewer.getGroupSize());
        assertEquals("ppo", LearnerConfig.fromProperties(settings("preset", "ppo")).runContract().getEstimator());
        assertEquals("decoupled",
            LearnerConfig.fromProperties(settings("adaptive.gae", "false")).runContract().getEstimator());
    }

    @Test
    void estimatorNumbersOutOfRangeAreRefusedAtStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> LearnerConfig.fromProperties(settings("gamma", "2")));
        assertTrue(e.getMessage().contains("gamma"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LearnerConfig.fromProperties(settings("alpha", "0")));
    }
}
