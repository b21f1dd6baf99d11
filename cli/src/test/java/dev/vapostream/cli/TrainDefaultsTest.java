package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class TrainDefaultsTest {

    @Test
    void theVapoPresetGetsDynamicSamplingFromAFixedDrawWhenTheFlagsSayNothing() {
        // Given no preset and no dynamic-sampling flag
        Properties p = new Properties();
        // When vapo train fills in its defaults
        TrainCommand.applyTrainDefaults(p);
        // Then groups without signal are filtered from a fixed draw, with no extra samples
        assertEquals("true", p.getProperty("dynamic.sampling"));
        assertEquals("false", p.getProperty("dynamic.sampling.refill"));
        // And the run contract carries the built-in tasks' alpha
        assertEquals(TrainCommand.BUILT_IN_TASK_ALPHA, p.getProperty("alpha"));
    }

    @Test
    void anExplicitDynamicSamplingFlagIsKept() {
        Properties p = new Properties();
        p.setProperty("preset", "vapo");
        p.setProperty("dynamic.sampling", "false");
        TrainCommand.applyTrainDefaults(p);
        assertEquals("false", p.getProperty("dynamic.sampling"));
        assertNull(p.getProperty("dynamic.sampling.refill"));
    }

    @Test
    void otherPresetsKeepTheirOwnSampling() {
        for (String preset : new String[] {"dapo", "ppo", "grpo"}) {
            Properties p = new Properties();
            p.setProperty("preset", preset);
            TrainCommand.applyTrainDefaults(p);
            assertNull(p.getProperty("dynamic.sampling"), preset);
        }
    }

    @Test
    void anExplicitRefillIsKeptWithTheDefaultFilter() {
        Properties p = new Properties();
        p.setProperty("dynamic.sampling.refill", "true");
        TrainCommand.applyTrainDefaults(p);
        assertEquals("true", p.getProperty("dynamic.sampling"));
        assertEquals("true", p.getProperty("dynamic.sampling.refill"));
    }
}
