package dev.vapostream.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report of one or more runs: a PNG per metric (held-out accuracy, reward, response length,
 * entropy, value loss, explained variance; one line per run) and {@code report.html} showing them
 * with each run's settings. Written into the first run's folder ({@code report/}).
 */
public final class RunReport {
    /** metric name in metrics.jsonl → chart title. */
    static final Map<String, String> CHARTS = new LinkedHashMap<>();
    /** Held-out accuracy against minutes since the first step, beside the per-step charts. */
    static final String ACCURACY_OVER_TIME = "heldOutAccuracy-minutes.png";

    static {
        CHARTS.put("heldOutAccuracy", "Held-out accuracy (temperature 1)");
        CHARTS.put("heldOutHardAccuracy", "Held-out accuracy on the problems tagged hard");
        CHARTS.put("rewardMean", "Mean reward of the training batch");
        CHARTS.put("responseLengthMean", "Mean response length (tokens)");
        CHARTS.put("entropy", "Policy entropy per token (nats)");
        CHARTS.put("valueLoss", "Critic loss");
        CHARTS.put("explainedVariance", "Critic explained variance");
        CHARTS.put("explainedVarianceHard", "Critic explained variance on hard prompts (batches with any)");
        CHARTS.put("criticLagMean", "Critic versions between valuing and training");
    }

    private RunReport() {
    }

    /** Writes the report for {@code runs} into {@code runs[0]/report}; returns the HTML file. */
    public static Path write(List<Path> runs) throws IOException {
        List<RunMetrics> metrics = new ArrayList<>();
        for (Path run : runs) {
            metrics.add(RunMetrics.read(run));
        }
        Path out = Files.createDirectories(runs.get(0).resolve("report"));
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>vapo-stream report: ")
            .append(escape(names(metrics))).append("</title><style>body{font-family:sans-serif;margin:2em}"
                + "img{margin:4px;border:1px solid #ddd}table{border-collapse:collapse;font-size:12px}"
                + "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head><body>")
            .append("<h1>").append(escape(names(metrics))).append("</h1>")
            .append(summaryTable(metrics));
        for (Map.Entry<String, String> chart : CHARTS.entrySet()) {
            List<LinePlot.Line> lines = new ArrayList<>();
            for (RunMetrics m : metrics) {
                lines.add(new LinePlot.Line(m.name(), m.series(chart.getKey())));
            }
            String file = chart.getKey() + ".png";
            LinePlot.write(out.resolve(file), chart.getValue(), chart.getKey(), lines);
            html.append("<img src=\"").append(file).append("\" alt=\"").append(escape(chart.getValue())).append("\">");
        }
        List<LinePlot.Line> overTime = new ArrayList<>();
        for (RunMetrics m : metrics) {
            overTime.add(new LinePlot.Line(m.name(), m.seriesOverMinutes("heldOutAccuracy")));
        }
        LinePlot.write(out.resolve(ACCURACY_OVER_TIME), "Held-out accuracy over training time", "minutes",
            "heldOutAccuracy", overTime);
        html.append("<img src=\"").append(ACCURACY_OVER_TIME).append("\" alt=\"Held-out accuracy over minutes\">");
        html.append("<h2>Settings</h2>");
        for (RunMetrics m : metrics) {
            html.append("<h3>").append(escape(m.name())).append(" (").append(m.steps().size()).append(" steps)</h3><table>");
            m.settings().forEach((k, v) -> html.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v))
                .append("</td></tr>"));
            html.append("</table>");
        }
        html.append("</body></html>\n");
        Path page = out.resolve("report.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        return page;
    }

    /** Per run: base, peak and final held-out, time and samples to 60%, critic EV, dead letters, differing settings. */
    static String summaryTable(List<RunMetrics> metrics) {
        List<String> differing = RunSummary.differingSettings(metrics);
        StringBuilder t = new StringBuilder("<h2>Summary</h2><table><tr><th>run</th><th>base %</th><th>peak %</th>"
            + "<th>final %</th><th>minutes to 60%</th><th>samples to 60%</th><th>critic EV at the end of value pretraining (last "
            + RunSummary.GATE_WINDOW + " steps)</th>"
            + "<th>critic EV, last " + RunSummary.RECENT_STEPS + " steps</th><th>the same, hard prompts</th>"
            + "<th>dead-lettered prompts</th>");
        differing.forEach(k -> t.append("<th>").append(escape(k)).append("</th>"));
        t.append("</tr>");
        for (RunMetrics m : metrics) {
            RunSummary s = RunSummary.of(m);
            t.append("<tr><td>").append(escape(s.run())).append("</td>").append(cell("%.1f", 100 * s.base()))
                .append(cell("%.1f", 100 * s.peak())).append(cell("%.1f", 100 * s.last()))
                .append(cell("%.1f", s.minutesToTarget())).append(cell("%.0f", s.samplesToTarget()))
                .append(cell("%.3f", s.valuePretrainEv())).append(cell("%.3f", s.recentEv())).append(cell("%.3f", s.recentEvHard()))
                .append(cell("%.0f", s.deadLetteredPrompts()));
            differing.forEach(k -> t.append("<td>").append(escape(m.settings().getOrDefault(k, "-"))).append("</td>"));
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }

    private static String cell(String format, double value) {
        return "<td>" + (Double.isNaN(value) ? "-" : String.format(java.util.Locale.ROOT, format, value)) + "</td>";
    }

    private static String names(List<RunMetrics> metrics) {
        return String.join(" vs ", metrics.stream().map(RunMetrics::name).toList());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
