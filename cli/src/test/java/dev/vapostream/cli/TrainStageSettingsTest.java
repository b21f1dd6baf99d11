package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import dev.vapostream.scorer.ScorerConfig;
import org.junit.jupiter.api.Test;

class TrainStageSettingsTest {

    @Test
    void theGroupTimeoutFlagReachesTheScorer() {
        // Given vapo train's flags with a scorer group timeout and the cluster the run starts
        Properties p = StageProperties.from(List.of("--group-timeout-ms", "4321", "--scorers", "correctness"));
        p.setProperty("bootstrap.servers", "127.0.0.1:1");
        p.setProperty("registry.url", "http://127.0.0.1:2");
        // When the scorer's settings are split off
        Properties scorer = TrainCommand.scorerSettings(p, Path.of("runs/x"));
        // Then the scorer reads the timeout and the scorers that were asked for
        ScorerConfig config = ScorerConfig.fromProperties(scorer);
        assertEquals(Duration.ofMillis(4321), config.groupTimeout());
        assertEquals(1, config.scorers().size());
    }
}
