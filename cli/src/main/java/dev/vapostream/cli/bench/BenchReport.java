package dev.vapostream.cli.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.DoublePredicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The markdown of a {@code vapo bench} results file: the targets with their status, then one
 * section per case with medians and ranges over its rounds. Every number comes from the file;
 * a case that was never run is said to be missing.
 */
final class BenchReport {
    private final JsonNode doc;
    private final String source;
    private final StringBuilder md = new StringBuilder();

    private BenchReport(JsonNode doc, String source) {
        this.doc = doc;
        this.source = source;
    }

    /** @param source the results file's path as the reader should see it, named in the report's first line */
    static String render(JsonNode doc, String source) {
        return new BenchReport(doc, source).all();
    }

    private String all() {
        JsonNode m = doc.get("machine");
        line("Rendered by `./vapo bench` from `" + source + "` (" + m.get("cores").asInt() + " cores, "
            + m.get("memoryGiB").asText() + " GiB, Java " + m.get("java").asText() + "; cases run "
            + doc.get("cases").findValues("finished").stream().map(JsonNode::asText).sorted().findFirst().orElse("?")
            + " to " + doc.get("cases").findValues("finished").stream().map(JsonNode::asText).sorted()
            .reduce((a, b) -> b).orElse("?") + "). Medians over the rounds, ranges in brackets; the load average"
            + " (1 min) before and after each run is in the JSON.");
        line("");
        targets();
        pipeline();
        gae();
        sampling();
        advantage();
        learnerStep();
        lengthScaling();
        groupScaling();
        workerScaling();
        return md.toString();
    }

    // --- targets -------------------------------------------------------------------------------

    private void targets() {
        line("| target | measured | status | case |");
        line("| --- | --- | --- | --- |");
        target("GAE kernel ≥ 200 M tokens/s on one core", "gae", "jmh", "terminalRewardKernelTokensPerSecond", 1e-6, " M",
            v -> v >= 200e6);
        if (lockstep("sampling")) {
            // Throughput ratio of a batch of the same size: PyTorch's milliseconds over Java's.
            ratioTarget("generator sampling ≥ the same model in PyTorch", "sampling", "pytorch", "java", "stepMs",
                v -> v >= 1.0, "× PyTorch", "");
        } else {
            ratioTarget("generator sampling ≥ the same model in PyTorch", "sampling", "java", "pytorch", "tokensPerSecond",
                v -> v >= 1.0, "× PyTorch", "");
        }
        target("advantage stage ≥ 1 M tokens/s, values excluded", "advantage", "stage", "warmTokensPerSecond", 1e-6, " M",
            v -> v >= 1e6);
        ratioTarget("learner step ≤ 1.1× the same step in PyTorch", "learner-step", "java", "pytorch", stepKey("learner-step"),
            v -> v <= 1.1, "× PyTorch", "");
        target("weight broadcast p95 ≤ 500 ms", "pipeline", "async", "broadcastP95Ms", 1, " ms", v -> v <= 500);
        ratioTarget("async pipeline ≥ 1.4× generate-then-train (Java)", "pipeline", "sync-java", "async", "secondsPerUpdate",
            v -> v >= 1.4, "× per update", boundNote());
        ratioTarget("async pipeline faster than the same synchronous loop in PyTorch", "pipeline", "sync-pytorch", "async",
            "secondsPerUpdate", v -> v > 1.0, "× per update", "");
        line("");
    }

    private void target(String what, String c, String program, String key, double scale, String unit, DoublePredicate met) {
        List<Double> v = values(c, program, key);
        if (v.isEmpty()) {
            line("| " + what + " | not run | — | " + c + " |");
            return;
        }
        double median = Stats.median(v);
        line("| " + what + " | " + fmt(median * scale) + unit + " " + range(v, scale) + " | "
            + (met.test(median) ? "met" : "**not met**") + " | " + c + " |");
    }

    /** Where the pipeline's runs say how much overlap could give at most, that bound; else nothing. */
    private String boundNote() {
        List<Double> bounds = bounds();
        return bounds.isEmpty() ? "" : "; the most any overlap can give here (the loop's step ÷ its update): "
            + fmt(Stats.median(bounds)) + "× " + range(bounds, 1);
    }

    private void ratioTarget(String what, String c, String numerator, String denominator, String key, DoublePredicate met,
                             String unit, String note) {
        List<Double> ratios = ratios(c, numerator, denominator, key);
        if (ratios.isEmpty()) {
            line("| " + what + " | not run | — | " + c + " |");
            return;
        }
        double median = Stats.median(ratios);
        line("| " + what + " | " + fmt(median) + unit + " " + range(ratios, 1) + note + " | "
            + (met.test(median) ? "met" : "**not met**") + " | " + c + " |");
    }

    // --- cases ---------------------------------------------------------------------------------

    private void pipeline() {
        if (!section("pipeline")) {
            return;
        }
        line("Same learner settings (`vapo train`'s defaults, preset vapo, P 8 × G 16, the value-pretraining gate, but"
            + " dynamic sampling off so that every update trains on all 128 responses), seed r in round r, the same"
            + " number of policy updates; seconds per update from"
            + " the end of update " + BenchCases.WINDOW_START + " to the end of the last; held-out accuracy of the final"
            + " policy on the 1000 held-out problems by `vapo eval` (the same Java evaluator for all three).");
        line("");
        List<String> programs = List.of("async", "sync-java", "sync-pytorch");
        table(List.of("program", "s / policy update", "held-out accuracy (%)", "tokens trained / update",
            "value-pretraining steps", "minutes of training", "peak RSS, process tree (MiB)"), programs,
            p -> List.of(cell("pipeline", p, "secondsPerUpdate", 1), cell("pipeline", p, "heldOut", 100),
                cell("pipeline", p, "trainedTokens", 1), cell("pipeline", p, "valuePretrainSteps", 1),
                cell("pipeline", p, "minutes", 1), runCell("pipeline", p, "peakTreeRssMiB")));
        line("");
        line("Per 1 000 trained tokens (the policies' response lengths drift apart over a run, so updates differ a little in"
            + " size): async " + cell("pipeline", "async", "secondsPerKiloToken", 1) + " s, sync-java "
            + cell("pipeline", "sync-java", "secondsPerKiloToken", 1) + " s, sync-pytorch "
            + cell("pipeline", "sync-pytorch", "secondsPerKiloToken", 1) + " s; ratios sync-java ÷ async "
            + fmt(Stats.median(ratios("pipeline", "sync-java", "async", "secondsPerKiloToken"))) + " "
            + range(ratios("pipeline", "sync-java", "async", "secondsPerKiloToken"), 1) + ", sync-pytorch ÷ async "
            + fmt(Stats.median(ratios("pipeline", "sync-pytorch", "async", "secondsPerKiloToken"))) + " "
            + range(ratios("pipeline", "sync-pytorch", "async", "secondsPerKiloToken"), 1) + ".");
        line("");
        line("The bound on any overlap, per seed: the synchronous Java step ÷ its update alone, "
            + fmt(Stats.median(bounds())) + " " + range(bounds(), 1) + " (docs/benchmarks.md, \"What limits it\").");
        line("");
        line("Ratios per seed, per policy update (a synchronous loop's seconds ÷ `vapo train`'s): sync-java ÷ async "
            + fmt(Stats.median(ratios("pipeline", "sync-java", "async", "secondsPerUpdate"))) + " "
            + range(ratios("pipeline", "sync-java", "async", "secondsPerUpdate"), 1) + ", sync-pytorch ÷ async "
            + fmt(Stats.median(ratios("pipeline", "sync-pytorch", "async", "secondsPerUpdate"))) + " "
            + range(ratios("pipeline", "sync-pytorch", "async", "secondsPerUpdate"), 1) + ".");
        line("");
        line("Where a policy update's time goes. The synchronous loops' phases add up to their step; `vapo train`'s stages"
            + " run at the same time, so their busy seconds overlap (and compete for the 2 cores): each stage's busy"
            + " seconds per update, and the CPU seconds per update of the JVM's threads by component and of the registry"
            + " process.");
        line("");
        List<String> phases = List.of("sampleSeconds", "scoreSeconds", "criticSeconds", "advantagesSeconds", "updateSeconds");
        table(List.of("phase (s / update)", "sync-java", "sync-pytorch"), phases, k -> List.of(cell("pipeline", "sync-java", k, 1),
            cell("pipeline", "sync-pytorch", k, 1)));
        line("");
        Set<String> keys = new LinkedHashSet<>();
        for (JsonNode run : runs("pipeline", "async")) {
            run.get("figures").fieldNames().forEachRemaining(k -> {
                if (k.startsWith("busy.") || k.startsWith("cpu.") || k.endsWith("Seconds")) {
                    keys.add(k);
                }
            });
        }
        table(List.of("`vapo train` (s / update)", "median [range]"), new ArrayList<>(keys),
            k -> List.of(cell("pipeline", "async", k, 1)));
        line("");
        line("Weight broadcast (publish to use, per run p50 / p95): p50 " + cell("pipeline", "async", "broadcastP50Ms", 1)
            + " ms, p95 " + cell("pipeline", "async", "broadcastP95Ms", 1) + " ms.");
        line("");
    }

    private void gae() {
        if (!section("gae")) {
            return;
        }
        List<String> keys = new ArrayList<>();
        runs("gae", "jmh").forEach(r -> r.get("figures").fieldNames().forEachRemaining(keys::add));
        table(List.of("JMH benchmark", "tokens/s (median of the iterations)"), keys.stream().distinct().toList(),
            k -> List.of(cell("gae", "jmh", k, 1)));
        line("");
    }

    private void sampling() {
        if (!section("sampling")) {
            return;
        }
        if (lockstep("sampling")) {
            table(List.of("program", "tokens/s", "ms per batch of 64 × 64 new tokens"), List.of("java", "pytorch"),
                p -> List.of(tokensPerSecondCell(p), cell("sampling", p, "stepMs", 1)));
            line("");
            line("Each program ran once and the two were stepped alternately, one batch of each at a time, the order"
                + " reversed every batch; the ratio is judged per batch.");
        } else {
            table(List.of("program", "tokens/s", "ms per batch of 64 × 64 new tokens"), List.of("java", "pytorch"),
                p -> List.of(cell("sampling", p, "tokensPerSecond", 1), cell("sampling", p, "medianMs", 1)));
        }
        line("");
    }

    private void advantage() {
        if (!section("advantage")) {
            return;
        }
        line("Warm runs (the 2nd and 3rd of each JVM): " + cell("advantage", "stage", "warmTokensPerSecond", 1)
            + " tokens/s; first run of a JVM (JIT, schema registration): " + cell("advantage", "stage", "coldTokensPerSecond", 1)
            + " tokens/s.");
        line("");
    }

    private void learnerStep() {
        if (!section("learner-step")) {
            return;
        }
        table(List.of("program", "ms per step"), List.of("java", "pytorch"),
            p -> List.of(cell("learner-step", p, stepKey("learner-step"), 1)));
        if (lockstep("learner-step")) {
            line("");
            line("Each program ran once and the two were stepped alternately, one step of each at a time, the order"
                + " reversed every step: step i of one ran within seconds of step i of the other, on the same rows"
                + " from the same weights. The ratio is judged per step; the ranges are over steps, whose work"
                + " differs (each step draws its own mini-batches, padded to their longest response).");
        }
        line("");
    }

    private void lengthScaling() {
        stepCostTable("scaling-length", BenchCases.LENGTHS, "L", "response tokens L", "sampling 128 × L tokens (ms)");
    }

    private void groupScaling() {
        stepCostTable("scaling-group", BenchCases.GROUP_SIZES, "G", "G (P 8: rows 8G)", "sampling 8G × 50 tokens (ms)");
    }

    /** A curve: per point, the learner step, the sampling batch and their sum. */
    private void stepCostTable(String c, int[] points, String prefix, String pointHeader, String samplingHeader) {
        if (!section(c)) {
            return;
        }
        List<String> rows = new ArrayList<>();
        for (int point : points) {
            rows.add(Integer.toString(point));
        }
        table(List.of(pointHeader, "learner step (ms)", samplingHeader, "sum: a synchronous step (ms)"), rows,
            x -> List.of(cell(c, "update-" + prefix + x, "medianMs", 1), cell(c, "sample-" + prefix + x, "medianMs", 1),
                fmt(sum(c, "update-" + prefix + x, "sample-" + prefix + x, "medianMs"))));
        line("");
    }

    private void workerScaling() {
        if (!section("scaling-workers")) {
            return;
        }
        List<String> rows = new ArrayList<>();
        for (int w : BenchCases.WORKERS) {
            rows.add("workers-" + w);
        }
        table(List.of("`vapo train --workers`", "s / policy update", "peak RSS, process tree (MiB)"), rows,
            w -> List.of(cell("scaling-workers", w, "secondsPerUpdate", 1), runCell("scaling-workers", w, "peakTreeRssMiB")));
        line("");
    }

    // --- helpers -------------------------------------------------------------------------------

    private boolean section(String c) {
        JsonNode node = doc.get("cases").get(c);
        line("### " + (node == null ? c : node.get("title").asText()));
        line("");
        if (node == null) {
            line("Not run yet: `./vapo bench --only " + c + "`.");
            line("");
            return false;
        }
        String rounds = node.path("lockstep").asBoolean() ? node.get("rounds").asInt() + " timed steps of each program"
            : node.get("rounds").asInt() + " round(s)";
        line("    " + node.get("reproduce").asText() + "    # " + rounds + ", finished " + node.get("finished").asText());
        line("");
        return true;
    }

    private boolean lockstep(String c) {
        JsonNode node = doc.get("cases").get(c);
        return node != null && node.path("lockstep").asBoolean();
    }

    /** A lockstep case's figure is one step's milliseconds; a case run in rounds has each run's median. */
    private String stepKey(String c) {
        return lockstep(c) ? "stepMs" : "medianMs";
    }

    private List<JsonNode> runs(String c, String program) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode node = doc.get("cases").get(c);
        if (node != null) {
            node.get("runs").forEach(r -> {
                if (r.get("program").asText().equals(program)) {
                    out.add(r);
                }
            });
        }
        return out;
    }

    private List<Double> values(String c, String program, String key) {
        return runs(c, program).stream().map(r -> figure(r.get("figures"), key)).filter(v -> !v.isNaN()).toList();
    }

    /** A run's figure, or one derived from its figures ({@code secondsPerKiloToken}); NaN when it has neither. */
    private static double figure(JsonNode figures, String key) {
        if (figures.hasNonNull(key)) {
            return figures.get(key).asDouble();
        }
        if (key.equals("secondsPerKiloToken") && figures.hasNonNull("secondsPerUpdate") && figures.hasNonNull("trainedTokens")) {
            return figures.get("secondsPerUpdate").asDouble() / figures.get("trainedTokens").asDouble() * 1000;
        }
        return Double.NaN;
    }

    /** numerator ÷ denominator of the same round, per round. */
    private List<Double> ratios(String c, String numerator, String denominator, String key) {
        List<Double> out = new ArrayList<>();
        for (JsonNode n : runs(c, numerator)) {
            for (JsonNode d : runs(c, denominator)) {
                double ratio = figure(n.get("figures"), key) / figure(d.get("figures"), key);
                if (n.get("round").asInt() == d.get("round").asInt() && !Double.isNaN(ratio)) {
                    out.add(ratio);
                }
            }
        }
        return out;
    }

    /** Per round: the synchronous Java loop's seconds per update over its update's seconds. */
    private List<Double> bounds() {
        List<Double> out = new ArrayList<>();
        for (JsonNode run : runs("pipeline", "sync-java")) {
            JsonNode f = run.get("figures");
            if (f.hasNonNull("secondsPerUpdate") && f.hasNonNull("updateSeconds")) {
                out.add(f.get("secondsPerUpdate").asDouble() / f.get("updateSeconds").asDouble());
            }
        }
        return out;
    }

    private double sum(String c, String a, String b, String key) {
        return Stats.median(values(c, a, key)) + Stats.median(values(c, b, key));
    }

    private String cell(String c, String program, String key, double scale) {
        List<Double> v = values(c, program, key);
        return summary(v, scale);
    }

    /** A lockstep sampling program's tokens per second, batch by batch. */
    private String tokensPerSecondCell(String program) {
        List<Double> v = values("sampling", program, "stepMs").stream()
            .map(ms -> BenchCases.SAMPLING_BATCH_TOKENS / ms * 1000).toList();
        return summary(v, 1);
    }

    private String runCell(String c, String program, String key) {
        List<Double> v = runs(c, program).stream().map(r -> r.get(key).asDouble()).toList();
        return summary(v, 1);
    }

    /** The median, and the range when there is more than one value; a dash for none. */
    private static String summary(List<Double> v, double scale) {
        return v.isEmpty() ? "—" : fmt(Stats.median(v) * scale) + (v.size() > 1 ? " " + range(v, scale) : "");
    }

    private static String range(List<Double> v, double scale) {
        return "[" + fmt(Stats.min(v) * scale) + "–" + fmt(Stats.max(v) * scale) + "]";
    }

    private void table(List<String> header, List<String> rows, java.util.function.Function<String, List<String>> cells) {
        line("| " + String.join(" | ", header) + " |");
        line("|" + " --- |".repeat(header.size()));
        for (String row : rows) {
            line("| " + row + " | " + String.join(" | ", cells.apply(row)) + " |");
        }
    }

    /** Three significant digits, at most; integers as integers. */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "—";
        }
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }
}
