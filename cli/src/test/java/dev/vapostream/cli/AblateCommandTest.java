package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblateCommandTest {

    private static Properties groupSize(String g) {
        Properties p = new Properties();
        p.setProperty("group.size", g);
        p.setProperty("seeds", "3");
        return p;
    }

    @Test
    void aFlagThatOneConfigurationRefusesStopsTheAblationBeforeAnyRunStarts() {
        // Given --group-size 1, which VAPO without dynamic sampling accepts and DAPO refuses
        Properties p = groupSize("1");
        // When the configurations are checked before any run is launched
        UsageException refused = assertThrows(UsageException.class,
            () -> AblateCommand.checkConfigurations(p, List.of("vapo", "dapo")));
        // Then the refusal names the configuration and says why
        assertTrue(refused.getMessage().startsWith("configuration 'dapo' cannot run with these flags"), refused.getMessage());
        assertTrue(refused.getMessage().contains("needs at least 2"), refused.getMessage());
        // And the configurations that accept it pass
        assertDoesNotThrow(() -> AblateCommand.checkConfigurations(p, List.of("vapo", "ppo", "w/o group sampling")));
    }

    @Test
    void aRefusedAblationLeavesNoRunBehind(@TempDir Path dir) {
        // Given vapo ablate asked for vapo and dapo with --group-size 1
        Properties flags = groupSize("1");
        flags.setProperty("only", "vapo,dapo");
        flags.setProperty("out", dir.resolve("ablate").toString());
        // When it runs
        UsageException refused = assertThrows(UsageException.class, () -> AblateCommand.run(flags));
        // Then it stops on dapo before vapo's run or even the ablation's folder exists
        assertTrue(refused.getMessage().startsWith("configuration 'dapo'"), refused.getMessage());
        assertFalse(Files.exists(dir.resolve("ablate")));
    }

    @Test
    void vapoTrainsDefaultDynamicSamplingIsCheckedToo() {
        // Given --group-size 1, and the configuration that keeps vapo train's dynamic sampling
        Properties p = groupSize("1");
        // When it is checked
        UsageException refused = assertThrows(UsageException.class, () -> AblateCommand.checkConfigurations(p,
            List.of("vapo + dynamic sampling (vapo train's default)")));
        // Then it is refused for the filter that would drop every group of one
        assertTrue(refused.getMessage().contains("--dynamic-sampling false"), refused.getMessage());
    }

    @Test
    void everyConfigurationRunsWithTheDefaultFlags() {
        assertDoesNotThrow(() -> AblateCommand.checkConfigurations(new Properties(),
            List.copyOf(AblateCommand.CONFIGURATIONS.keySet())));
    }

    @Test
    void anUnknownConfigurationIsRefusedWithTheKnownOnes() {
        UsageException refused = assertThrows(UsageException.class,
            () -> AblateCommand.checkConfigurations(new Properties(), List.of("vapo", "grpo")));
        assertTrue(refused.getMessage().startsWith("unknown configuration 'grpo'; known: [vapo,"), refused.getMessage());
    }

    @Test
    void aRunsSettingsAreTheCallersMinusAblatesOwnThenTheBudgetAndTheConfigurationsSwitches() {
        // Given the caller's flags, one of them ablate's own
        Properties p = groupSize("8");
        // When one configuration's settings are resolved
        Properties train = AblateCommand.trainSettings(p, AblateCommand.CONFIGURATIONS.get("w/o adaptive GAE"));
        // Then the train flag stays, ablate's own is gone, and the budget and the switch are set
        assertEquals("8", train.getProperty("group.size"));
        assertEquals(null, train.getProperty("seeds"));
        assertEquals("false", train.getProperty("dynamic.sampling.refill"));
        assertEquals("false", train.getProperty("adaptive.gae"));
        assertEquals("vapo", train.getProperty("preset"));
    }
}
