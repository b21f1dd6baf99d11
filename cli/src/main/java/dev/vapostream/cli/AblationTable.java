package dev.vapostream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vapostream.cli.report.AblationPlot;

/**
 * The ablation table from {@code results.jsonl}, one line per finished run: per configuration the
 * mean and 95% bootstrap interval over seeds of the final held-out accuracy and of the area under
 * the held-out curve, the final accuracy on the problems tagged hard, the samples drawn, the
 * value-pretraining steps and the training time, beside the paper's score.
 */
final class AblationTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One finished run.
     *
     * @param finalAccuracy  the final policy on the held-out problems (temperature 1, fixed seed)
     * @param hardAccuracy   the same policy on the held-out problems tagged hard (NaN if none)
     * @param auc            mean of the held-out evaluations made during the policy phase: the area under
     *                       the curve over policy updates, divided by its length
     * @param samples        responses drawn, value pretraining included
     * @param valueSteps     value-pretraining steps before the policy updates
     * @param seconds        training time, first step to last
     */
    record Run(String configuration, int seed, double finalAccuracy, double hardAccuracy, double auc, long samples,
               int valueSteps, double seconds, String run) {
    }

    private AblationTable() {
    }

    static String line(Run r) {
        return String.format(Locale.ROOT, "{\"configuration\":\"%s\",\"seed\":%d,\"heldOutAccuracy\":%.4f,"
                + "\"hardAccuracy\":%s,\"auc\":%s,\"samples\":%d,\"valueSteps\":%d,\"seconds\":%.1f,\"run\":\"%s\"}",
            r.configuration(), r.seed(), r.finalAccuracy(), number(r.hardAccuracy()), number(r.auc()), r.samples(),
            r.valueSteps(), r.seconds(), r.run());
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }

    /** The recorded runs, grouped by configuration in the order of {@link AblateCommand#CONFIGURATIONS}. */
    static Map<String, List<Run>> read(Path results) throws IOException {
        Map<String, List<Run>> byConfiguration = new LinkedHashMap<>();
        AblateCommand.CONFIGURATIONS.keySet().forEach(k -> byConfiguration.put(k, new ArrayList<>()));
        if (!Files.exists(results)) {
            return byConfiguration;
        }
        int number = 0;
        for (String text : Files.readAllLines(results, StandardCharsets.UTF_8)) {
            number++;
            if (text.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.hasNonNull("configuration") || !n.hasNonNull("heldOutAccuracy")) {
                throw new IOException(results + ":" + number + ": not an ablation result line");
            }
            Run run = new Run(n.get("configuration").asText(), n.path("seed").asInt(), n.get("heldOutAccuracy").asDouble(),
                orNaN(n, "hardAccuracy"), orNaN(n, "auc"), n.path("samples").asLong(0), n.path("valueSteps").asInt(0),
                n.path("seconds").asDouble(Double.NaN), n.path("run").asText(""));
            byConfiguration.computeIfAbsent(run.configuration(), k -> new ArrayList<>()).add(run);
        }
        return byConfiguration;
    }

    private static double orNaN(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asDouble() : Double.NaN;
    }

    static String render(Path results) throws IOException {
        StringBuilder s = new StringBuilder("| configuration | runs | final held-out % (mean [95% CI]) "
            + "| AUC % (mean [95% CI]) | hard final % (mean) | samples (mean) | value-pretraining steps (mean) "
            + "| minutes (mean) | paper (AIME 2024) |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (Map.Entry<String, List<Run>> e : read(results).entrySet()) {
            List<Run> runs = e.getValue();
            AblateCommand.Configuration c = AblateCommand.CONFIGURATIONS.get(e.getKey());
            s.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |%n", e.getKey(), runs.size(),
                meanWithInterval(values(runs, Run::finalAccuracy), 100), meanWithInterval(values(runs, Run::auc), 100),
                plainMean(values(runs, Run::hardAccuracy), 100, "%.1f"), plainMean(values(runs, r -> r.samples()), 1, "%.0f"),
                plainMean(values(runs, r -> r.valueSteps()), 1, "%.0f"), plainMean(values(runs, r -> r.seconds()), 1 / 60.0, "%.1f"),
                c == null || c.paperScore() == null ? "—" : Integer.toString(c.paperScore())));
        }
        return s.toString();
    }

    /** The same results as a chart: mean, 95% interval and per-run accuracy per configuration beside the paper's score. */
    static void plot(Path results, Path png) throws IOException {
        List<AblationPlot.Row> rows = new ArrayList<>();
        for (Map.Entry<String, List<Run>> e : read(results).entrySet()) {
            AblateCommand.Configuration c = AblateCommand.CONFIGURATIONS.get(e.getKey());
            List<Double> accuracies = values(e.getValue(), Run::finalAccuracy);
            rows.add(new AblationPlot.Row(e.getKey(), accuracies, BootstrapInterval.ofMean(accuracies, seedOf(e.getKey())),
                c == null ? null : c.paperScore()));
        }
        AblationPlot.write(png, "Ablation on the built-in task: final held-out accuracy (mean, 95% bootstrap interval)", rows);
    }

    static List<Double> values(List<Run> runs, ToDoubleFunction<Run> field) {
        List<Double> out = new ArrayList<>();
        for (Run r : runs) {
            double v = field.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private static String meanWithInterval(List<Double> v, double scale) {
        if (v.isEmpty()) {
            return "—";
        }
        double[] ci = BootstrapInterval.ofMean(v, seedOf(v.toString()));
        return String.format(Locale.ROOT, "%.1f [%.1f, %.1f]", scale * mean(v), scale * ci[0], scale * ci[1]);
    }

    private static String plainMean(List<Double> v, double scale, String format) {
        return v.isEmpty() ? "—" : String.format(Locale.ROOT, format, scale * mean(v));
    }

    /** A fixed resampling seed per row, so the same results render the same interval. */
    private static long seedOf(String key) {
        return key.hashCode();
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
