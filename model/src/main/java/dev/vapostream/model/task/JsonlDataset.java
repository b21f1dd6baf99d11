package dev.vapostream.model.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Datasets as JSON Lines: one {@code {"id": ..., "prompt": ..., "answer": ...}} object per line,
 * UTF-8, with an optional {@code "tags"} array of strings (the built-in tasks tag the problems their
 * base almost never solves {@code hard}). Reading accepts extra fields (other tasks may carry
 * metadata) and blank lines, and
 * rejects a missing field, a non-integer answer or a repeated id with the line number.
 */
public final class JsonlDataset {

    public static final String TRAIN_FILE = "train.jsonl";
    public static final String HELD_OUT_FILE = "heldout.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlDataset() {
    }

    public static void write(Path file, List<TaskExample> examples) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (TaskExample example : examples) {
                ObjectNode line = JSON.createObjectNode()
                        .put("id", example.id())
                        .put("prompt", example.prompt())
                        .put("answer", example.answer());
                if (!example.tags().isEmpty()) {
                    example.tags().forEach(line.putArray("tags")::add);
                }
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            }
        }
    }

    public static List<TaskExample> read(Path file) throws IOException {
        List<TaskExample> examples = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                TaskExample example = parse(file, number, line);
                if (!ids.add(example.id())) {
                    throw new IOException(file + ":" + number + ": repeated id " + example.id());
                }
                examples.add(example);
            }
        }
        return examples;
    }

    /** Writes {@code train.jsonl} and {@code heldout.jsonl} of a built-in task into {@code directory}. */
    public static void writeBuiltInSplits(Path directory, BuiltInTask task, long seed, int trainCount, int heldOutCount)
            throws IOException {
        TaskGenerator generator = new TaskGenerator(task, seed);
        write(directory.resolve(TRAIN_FILE), generator.generate(Split.TRAIN, trainCount));
        write(directory.resolve(HELD_OUT_FILE), generator.generate(Split.HELD_OUT, heldOutCount));
    }

    private static TaskExample parse(Path file, int number, String line) throws IOException {
        try {
            JsonNode node = JSON.readTree(line);
            return new TaskExample(text(node, "id"), text(node, "prompt"), text(node, "answer"), tags(node));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(file + ":" + number + ": " + e.getMessage(), e);
        }
    }

    private static List<String> tags(JsonNode node) {
        JsonNode tags = node.get("tags");
        if (tags == null) {
            return List.of();
        }
        if (!tags.isArray()) {
            throw new IllegalArgumentException("field \"tags\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode tag : tags) {
            if (!tag.isTextual()) {
                throw new IllegalArgumentException("field \"tags\" must be an array of strings");
            }
            out.add(tag.asText());
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field \"" + field + "\" must be a string");
        }
        return value.asText();
    }
}
