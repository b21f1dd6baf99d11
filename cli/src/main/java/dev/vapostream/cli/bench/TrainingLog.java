package dev.vapostream.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A training run's per-step JSON lines ({@code metrics.jsonl} of {@code vapo train} and
 * {@code vapo train-sync}, or the PyTorch loop's): {@code phase}, {@code policyVersion},
 * {@code timestampMs} and per-step seconds.
 */
final class TrainingLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> steps;

    private TrainingLog(List<JsonNode> steps) {
        this.steps = steps;
    }

    static TrainingLog read(Path file) throws IOException {
        List<JsonNode> steps = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                steps.add(JSON.readTree(line));
            }
        }
        if (steps.isEmpty()) {
            throw new IOException(file + " has no steps");
        }
        return new TrainingLog(steps);
    }

    private List<JsonNode> policySteps() {
        return steps.stream().filter(s -> s.get("phase").asText().equals("POLICY")).toList();
    }

    int policyUpdates() {
        return policySteps().stream().mapToInt(s -> s.get("policyVersion").asInt()).max().orElse(0);
    }

    int valueSteps() {
        return (int) steps.stream().filter(s -> s.get("phase").asText().equals("VALUE_PRETRAIN")).count();
    }

    /** Minutes from the first step's end to the last's. */
    double minutes() {
        return (time(steps.get(steps.size() - 1)) - time(steps.get(0))) / 60_000.0;
    }

    /** Wall seconds per policy update from the end of update {@code start} to the end of the last. */
    double secondsPerUpdate(int start) throws IOException {
        JsonNode from = atVersion(start);
        JsonNode to = policySteps().get(policySteps().size() - 1);
        int updates = to.get("policyVersion").asInt() - start;
        if (updates < 1) {
            throw new IOException("no policy update after update " + start);
        }
        return (time(to) - time(from)) / 1000.0 / updates;
    }

    /** The mean per policy update after update {@code start} of each per-step number in {@code keys}. */
    Map<String, Double> perUpdate(int start, List<String> keys) throws IOException {
        List<JsonNode> window = policySteps().stream().filter(s -> s.get("policyVersion").asInt() > start).toList();
        if (window.isEmpty()) {
            throw new IOException("no policy update after update " + start);
        }
        Map<String, Double> means = new LinkedHashMap<>();
        for (String key : keys) {
            double sum = 0;
            for (JsonNode s : window) {
                if (!s.hasNonNull(key)) {
                    throw new IOException("step " + s.get("step") + " has no " + key);
                }
                sum += s.get(key).asDouble();
            }
            means.put(key, sum / window.size());
        }
        return means;
    }

    private JsonNode atVersion(int version) throws IOException {
        return policySteps().stream().filter(s -> s.get("policyVersion").asInt() == version).findFirst()
            .orElseThrow(() -> new IOException("no policy update " + version));
    }

    private static long time(JsonNode step) {
        return step.get("timestampMs").asLong();
    }
}
