package dev.vapostream.cli;

import dev.vapostream.cli.report.AblationPlot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The ablation table from {@code results.jsonl}: mean and spread of final held-out accuracy per configuration. */
final class AblationTable {
    private static final Pattern ROW = Pattern.compile(
        "\"configuration\":\"([^\"]+)\",\"seed\":(\\d+),\"heldOutAccuracy\":([0-9.]+)");

    private AblationTable() {
    }

    static Map<String, List<Double>> read(Path results) throws IOException {
        Map<String, List<Double>> byConfiguration = new LinkedHashMap<>();
        AblateCommand.CONFIGURATIONS.keySet().forEach(k -> byConfiguration.put(k, new ArrayList<>()));
        if (Files.exists(results)) {
            for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
                Matcher m = ROW.matcher(line);
                if (m.find()) {
                    byConfiguration.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Double.parseDouble(m.group(3)));
                }
            }
        }
        return byConfiguration;
    }

    /** A Markdown table: configuration, runs, mean and standard deviation (percent), the paper's score. */
    static String render(Path results) throws IOException {
        StringBuilder s = new StringBuilder("| configuration | runs | held-out accuracy % (mean ± sd) | paper (AIME 2024) |\n"
            + "| --- | --- | --- | --- |\n");
        for (Map.Entry<String, List<Double>> e : read(results).entrySet()) {
            List<Double> v = e.getValue();
            AblateCommand.Configuration c = AblateCommand.CONFIGURATIONS.get(e.getKey());
            String paper = c == null ? "" : Integer.toString(c.paperScore());
            s.append(String.format(Locale.ROOT, "| %s | %d | %s | %s |%n", e.getKey(), v.size(),
                v.isEmpty() ? "—" : String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean(v), 100 * sd(v)), paper));
        }
        return s.toString();
    }

    /** The same results as a chart: mean and per-run accuracy per configuration beside the paper's score. */
    static void plot(Path results, Path png) throws IOException {
        List<AblationPlot.Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : read(results).entrySet()) {
            AblateCommand.Configuration c = AblateCommand.CONFIGURATIONS.get(e.getKey());
            rows.add(new AblationPlot.Row(e.getKey(), e.getValue(), c == null ? null : c.paperScore()));
        }
        AblationPlot.write(png, "Ablation on the built-in task: final held-out accuracy", rows);
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double sd(List<Double> v) {
        if (v.size() < 2) {
            return 0;
        }
        double m = mean(v);
        return Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).sum() / (v.size() - 1));
    }
}
