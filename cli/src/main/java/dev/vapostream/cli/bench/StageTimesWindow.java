package dev.vapostream.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A window of {@code vapo train}'s {@code stage-times.jsonl}: each counter's growth per policy update. */
final class StageTimesWindow {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StageTimesWindow() {
    }

    /** From policy update {@code start} to the last line: {@code busy.NAME} and {@code cpu.COMPONENT} seconds per update. */
    static Map<String, Double> perUpdate(Path file, int start) throws IOException {
        List<String> lines = Files.readAllLines(file);
        JsonNode from = null;
        JsonNode to = null;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            if (from == null && node.get("policyVersion").asInt() == start) {
                from = node;
            }
            to = node;
        }
        if (from == null || to.get("policyVersion").asInt() <= start) {
            throw new IOException(file + " has no window after policy update " + start);
        }
        int updates = to.get("policyVersion").asInt() - start;
        Map<String, Double> out = new LinkedHashMap<>();
        for (String section : List.of("busySeconds", "cpuSeconds")) {
            String prefix = section.equals("busySeconds") ? "busy." : "cpu.";
            for (Iterator<Map.Entry<String, JsonNode>> it = to.get(section).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode before = from.get(section).get(e.getKey());
                double base = before == null ? 0 : before.asDouble();
                out.put(prefix + e.getKey(), (e.getValue().asDouble() - base) / updates);
            }
        }
        return out;
    }
}
