package dev.vapostream.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.vapostream.schemas.avro.AdvantageGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainedGroupsLogTest {

    private static AdvantageGroup group(String promptId) {
        AdvantageGroup g = new AdvantageGroup();
        g.setPromptId(promptId);
        return g;
    }

    @Test
    void eachStepAppendsOneLineWithItsGroupsPromptIdsAndAReopenedLogKeepsTheEarlierLines(@TempDir Path runDir) {
        // Given a log with one step written, then reopened as a resumed learner would
        try (TrainedGroupsLog log = new TrainedGroupsLog(runDir)) {
            log.record(1, List.of(group("run-0"), group("run-1")));
        }
        try (TrainedGroupsLog log = new TrainedGroupsLog(runDir)) {
            // When the next step is recorded
            log.record(2, List.of(group("run-2")));
        }
        // Then both steps are there, one line each, in order
        assertEquals(List.of("{\"step\":1,\"groups\":[\"run-0\",\"run-1\"]}", "{\"step\":2,\"groups\":[\"run-2\"]}"),
            readLines(runDir.resolve(TrainedGroupsLog.FILE)));
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
