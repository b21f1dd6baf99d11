package dev.vapostream.cli;

import dev.vapostream.cli.report.AblationPlot;
import dev.vapostream.cli.report.RunMetrics;

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
    private static final Pattern RUN = Pattern.compile("\"run\":\"([^\"]+)\"");

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

    /** Run folder names per configuration, as recorded in {@code results.jsonl}. */
    static Map<String, List<String>> runs(Path results) throws IOException {
        Map<String, List<String>> byConfiguration = new LinkedHashMap<>();
        if (Files.exists(results)) {
            for (String line : Files.readAllLines(results, StandardCharsets.UTF_8)) {
                Matcher row = ROW.matcher(line);
                Matcher run = RUN.matcher(line);
                if (row.find() && run.find()) {
                    byConfiguration.computeIfAbsent(row.group(1), k -> new ArrayList<>()).add(run.group(1));
                }
            }
        }
        return byConfiguration;
    }

    /**
     * A Markdown table per configuration: runs; final held-out accuracy (mean ± sd, percent); the
     * mean of each run's last five held-out evaluations during training (less noisy than one
     * final evaluation); the median first step at which a run's held-out accuracy reached 60%
     * (with how many runs did); the paper's score. Runs whose folders are gone show "—".
     */
    static String render(Path results) throws IOException {
        StringBuilder s = new StringBuilder("| configuration | runs | final held-out % (mean ± sd) "
            + "| last 5 evaluations % (mean) | first step ≥ 60% (median) | paper (AIME 2024) |\n"
            + "| --- | --- | --- | --- | --- | --- |\n");
        Map<String, List<String>> runs = runs(results);
        for (Map.Entry<String, List<Double>> e : read(results).entrySet()) {
            List<Double> v = e.getValue();
            AblateCommand.Configuration c = AblateCommand.CONFIGURATIONS.get(e.getKey());
            String paper = c == null ? "" : Integer.toString(c.paperScore());
            List<RunCurve> curves = curves(results.getParent(), runs.getOrDefault(e.getKey(), List.of()));
            s.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", e.getKey(), v.size(),
                v.isEmpty() ? "—" : String.format(Locale.ROOT, "%.1f ± %.1f", 100 * mean(v), 100 * sd(v)),
                lastEvaluations(curves), firstStepAt60(curves), paper));
        }
        return s.toString();
    }

    /** A run's held-out evaluations during training, (step, accuracy) in step order. */
    record RunCurve(double[][] points) {
    }

    private static List<RunCurve> curves(Path dir, List<String> runNames) throws IOException {
        List<RunCurve> curves = new ArrayList<>();
        for (String name : runNames) {
            Path run = dir.resolve(name);
            if (Files.exists(run.resolve("metrics.jsonl"))) {
                curves.add(new RunCurve(RunMetrics.read(run).series("heldOutAccuracy")));
            }
        }
        return curves;
    }

    private static String lastEvaluations(List<RunCurve> curves) {
        List<Double> means = new ArrayList<>();
        for (RunCurve curve : curves) {
            double[][] p = curve.points();
            if (p.length > 0) {
                List<Double> last = new ArrayList<>();
                for (int i = Math.max(0, p.length - 5); i < p.length; i++) {
                    last.add(p[i][1]);
                }
                means.add(mean(last));
            }
        }
        return means.isEmpty() ? "—" : String.format(Locale.ROOT, "%.1f", 100 * mean(means));
    }

    private static String firstStepAt60(List<RunCurve> curves) {
        List<Double> steps = new ArrayList<>();
        for (RunCurve curve : curves) {
            for (double[] point : curve.points()) {
                if (point[1] >= 0.6) {
                    steps.add(point[0]);
                    break;
                }
            }
        }
        if (curves.isEmpty()) {
            return "—";
        }
        if (steps.isEmpty()) {
            return "never (0/" + curves.size() + ")";
        }
        List<Double> sorted = steps.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
            : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format(Locale.ROOT, "%.0f (%d/%d)", median, steps.size(), curves.size());
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
