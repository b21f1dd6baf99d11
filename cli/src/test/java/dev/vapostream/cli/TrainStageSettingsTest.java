package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.scorer.ScorerConfig;
import org.junit.jupiter.api.Test;

class TrainStageSettingsTest {
    private static final Path RUN_DIR = Path.of("runs/x");

    /** The cluster settings vapo train adds once its embedded cluster is up. */
    private static void addCluster(Properties p) {
        p.setProperty("bootstrap.servers", "127.0.0.1:1");
        p.setProperty("registry.url", "http://127.0.0.1:2");
    }

    @Test
    void theGroupTimeoutFlagReachesTheScorer() {
        // Given vapo train's settings with a scorer group timeout and the cluster the run starts
        Properties p = new Properties();
        p.setProperty("group.timeout.ms", "4321");
        p.setProperty("scorers", "correctness");
        addCluster(p);
        // When the scorer's settings are split off
        Properties scorer = TrainCommand.scorerSettings(p, RUN_DIR);
        // Then the scorer reads the timeout and the scorers that were asked for
        ScorerConfig config = ScorerConfig.fromProperties(scorer);
        assertEquals(Duration.ofMillis(4321), config.groupTimeout());
        assertEquals(1, config.scorers().size());
    }

    @Test
    void everyTrainFlagReachesTrainItselfOrAStage() {
        // Given every flag vapo train takes, each with a value of its own
        Properties p = new Properties();
        int n = 0;
        for (Setting<?> setting : TrainCommand.SPEC.settings()) {
            p.setProperty(setting.key(), "value-" + n++);
        }
        p.setProperty("preset", "vapo");
        p.setProperty("group.size", "16");
        p.setProperty("seed", "1");
        p.setProperty("task", "blind-spots");
        addCluster(p);
        // When the run's settings are split into the stages' shares
        List<Properties> shares = List.of(TrainCommand.learnerSettings(p), TrainCommand.generatorSettings(p, 0),
            TrainCommand.scorerSettings(p, RUN_DIR), TrainCommand.advantageSettings(p, RUN_DIR));
        // Then each flag is read by vapo train itself, or arrives with its value at one stage at least
        List<String> lost = new ArrayList<>();
        for (Setting<?> setting : TrainCommand.SPEC.settings()) {
            String value = p.getProperty(setting.key());
            boolean own = TrainCommand.OWN.declares(setting.key());
            boolean delivered = shares.stream().anyMatch(s -> value.equals(s.getProperty(setting.key())));
            if (!own && !delivered) {
                lost.add(setting.flag());
            }
        }
        assertEquals(List.of(), lost, "vapo train flags that reach no stage");
        // And no stage gets a key it does not declare
        assertTrue(TrainCommand.SPEC.declares("max.steps") && !TrainCommand.SPEC.declares("application.id"));
    }
}
