package dev.vapostream.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The per-step metrics of one run, read from its {@code metrics.jsonl} (flat JSON objects of numbers and strings). */
public record RunMetrics(String name, List<Map<String, Double>> steps, Map<String, String> settings) {
    private static final Pattern FIELD = Pattern.compile("\"([^\"]+)\":(\"[^\"]*\"|null|-?[0-9.eE+-]+)");

    public static RunMetrics read(Path runDir) throws IOException {
        Path file = runDir.resolve("metrics.jsonl");
        if (!Files.exists(file)) {
            throw new IOException(runDir + " has no metrics.jsonl: is it a vapo run folder?");
        }
        List<Map<String, Double>> steps = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Double> values = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                String raw = m.group(2);
                if (!raw.startsWith("\"") && !raw.equals("null")) {
                    values.put(m.group(1), Double.parseDouble(raw));
                }
            }
            steps.add(values);
        }
        return new RunMetrics(runDir.getFileName().toString(), steps, settings(runDir));
    }

    /** (step, value) points of one metric, skipping steps where it is absent (e.g. held-out accuracy). */
    public double[][] series(String metric) {
        List<double[]> points = new ArrayList<>();
        for (Map<String, Double> s : steps) {
            Double v = s.get(metric);
            Double step = s.get("step");
            if (v != null && step != null && Double.isFinite(v)) {
                points.add(new double[] {step, v});
            }
        }
        return points.toArray(new double[0][]);
    }

    /**
     * (minutes, value) points of one metric, the time counted from the end of the first step
     * (startup, dataset and base pretraining are not training time).
     */
    public double[][] seriesOverMinutes(String metric) {
        List<double[]> points = new ArrayList<>();
        Double start = steps.isEmpty() ? null : steps.get(0).get("timestampMs");
        for (Map<String, Double> s : steps) {
            Double v = s.get(metric);
            Double at = s.get("timestampMs");
            if (v != null && at != null && start != null && Double.isFinite(v)) {
                points.add(new double[] {(at - start) / 60_000.0, v});
            }
        }
        return points.toArray(new double[0][]);
    }

    /** learner.properties, then the advantage stage's estimator (advantage.properties) under "advantage.". */
    private static Map<String, String> settings(Path runDir) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        load(runDir.resolve("learner.properties"), "", settings);
        load(runDir.resolve("advantage.properties"), "advantage.", settings);
        return settings;
    }

    private static void load(Path file, String prefix, Map<String, String> into) throws IOException {
        if (Files.exists(file)) {
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            p.stringPropertyNames().stream().sorted().forEach(k -> into.put(prefix + k, p.getProperty(k)));
        }
    }
}
