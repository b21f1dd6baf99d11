package dev.vapostream.learner.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.model.task.TaskExample;

/**
 * The {@code key=value} arguments of the experiments' mains, and the task, dataset and base
 * policy they name (by default the built-in default task, {@code data/<task>} and
 * {@code runs/base/<task>/policy.weights}, as {@code ./vapo dataset} and {@code ./vapo pretrain}
 * write them).
 */
record ExperimentArgs(Map<String, String> values) {

    static ExperimentArgs parse(String[] argv) {
        Map<String, String> values = new HashMap<>();
        for (String arg : argv) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are key=value, got '" + arg + "'");
            }
            values.put(kv[0], kv[1]);
        }
        return new ExperimentArgs(Map.copyOf(values));
    }

    String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    int integer(String key, int fallback) {
        return has(key) ? Integer.parseInt(values.get(key)) : fallback;
    }

    long longInteger(String key, long fallback) {
        return has(key) ? Long.parseLong(values.get(key)) : fallback;
    }

    float real(String key, float fallback) {
        return has(key) ? Float.parseFloat(values.get(key)) : fallback;
    }

    boolean flag(String key) {
        return Boolean.parseBoolean(get(key, "false"));
    }

    BuiltInTask task() {
        return BuiltInTask.of(get("task", BuiltInTask.DEFAULT.id()));
    }

    Path data() {
        return Path.of(get("data", "data/" + task().id()));
    }

    List<TaskExample> trainExamples() throws IOException {
        return JsonlDataset.read(data().resolve(JsonlDataset.TRAIN_FILE));
    }

    Path baseWeights() {
        return Path.of(get("weights", "runs/base/" + task().id() + "/policy.weights"));
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
