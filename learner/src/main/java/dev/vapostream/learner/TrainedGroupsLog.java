package dev.vapostream.learner;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;

import dev.vapostream.schemas.avro.AdvantageGroup;

/**
 * {@code trained-groups.jsonl} in the run folder: per step, the prompt ids of the groups it trained
 * on ({@code {"step":3,"groups":["run-17","run-18"]}}), written before the step's checkpoint. A
 * learner that dies between the two trains that step again after resuming and writes it again: the
 * later line of a step is the one that counts. An audit reads it to check that no group was trained
 * in two steps, across crashes and resumes ({@code FaultInjectionIT}).
 */
final class TrainedGroupsLog implements AutoCloseable {
    static final String FILE = "trained-groups.jsonl";

    private final BufferedWriter file;

    TrainedGroupsLog(Path runDir) {
        try {
            file = Files.newBufferedWriter(runDir.resolve(FILE), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + FILE + " in " + runDir, e);
        }
    }

    void record(long step, List<AdvantageGroup> groups) {
        String ids = groups.stream().map(g -> '"' + jsonEscaped(g.getPromptId()) + '"').collect(Collectors.joining(","));
        try {
            file.write("{\"step\":" + step + ",\"groups\":[" + ids + "]}");
            file.newLine();
            file.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + FILE, e);
        }
    }

    private static String jsonEscaped(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
