package dev.vapostream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLogTest {

    @Test
    void secondsPerUpdateRunFromTheWindowsFirstUpdateToTheLastAndPhasesAverageOverTheUpdatesAfterIt(@TempDir Path dir)
        throws IOException {
        // Given a value-pretraining step, then updates 1-3 ending at 10 s, 12 s and 16 s
        Path file = dir.resolve("metrics.jsonl");
        Files.write(file, List.of(
            "{\"phase\":\"VALUE_PRETRAIN\",\"policyVersion\":0,\"timestampMs\":4000,\"updateSeconds\":9}",
            "{\"phase\":\"POLICY\",\"policyVersion\":1,\"timestampMs\":10000,\"updateSeconds\":1.0}",
            "{\"phase\":\"POLICY\",\"policyVersion\":2,\"timestampMs\":12000,\"updateSeconds\":0.5}",
            "{\"phase\":\"POLICY\",\"policyVersion\":3,\"timestampMs\":16000,\"updateSeconds\":1.5}"));

        TrainingLog log = TrainingLog.read(file);

        assertEquals(3.0, log.secondsPerUpdate(1), 1e-12);
        assertEquals(Map.of("updateSeconds", 1.0), log.perUpdate(1, List.of("updateSeconds")));
        assertEquals(3, log.policyUpdates());
        assertEquals(1, log.valueSteps());
        assertEquals(0.2, log.minutes(), 1e-12);
        assertThrows(IOException.class, () -> log.secondsPerUpdate(3));
        assertThrows(IOException.class, () -> log.perUpdate(1, List.of("sampleSeconds")));
    }

    @Test
    void aStageTimesWindowIsEachCountersGrowthPerUpdate(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("stage-times.jsonl");
        Files.write(file, List.of(
            "{\"policyVersion\":10,\"busySeconds\":{\"generator.sampling-seconds\":5},\"cpuSeconds\":{\"broker\":2}}",
            "{\"policyVersion\":12,\"busySeconds\":{\"generator.sampling-seconds\":6,\"new-seconds\":1},"
                + "\"cpuSeconds\":{\"broker\":3}}"));

        Map<String, Double> window = StageTimesWindow.perUpdate(file, 10);

        assertEquals(0.5, window.get("busy.generator.sampling-seconds"), 1e-12);
        assertEquals(0.5, window.get("busy.new-seconds"), 1e-12);
        assertEquals(0.5, window.get("cpu.broker"), 1e-12);
        assertThrows(IOException.class, () -> StageTimesWindow.perUpdate(file, 11));
    }
}
