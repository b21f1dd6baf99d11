package dev.vapostream.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The figures a report opens with, per run: held-out accuracy at the first evaluation (the base),
 * at its peak and at the end; minutes and samples until held-out accuracy first reached
 * {@link #TARGET}; the critic's explained variance when value pretraining ended (the mean of its
 * last {@link #GATE_WINDOW} steps, as the gate measures it) and over the last {@link #RECENT_STEPS}
 * steps that measured it, overall and on the hard prompts; prompts dead-lettered. NaN where a run did not get there or did not record the metric.
 */
record RunSummary(String run, double base, double peak, double last, double minutesToTarget, double samplesToTarget,
                  double valuePretrainEv, double recentEv, double recentEvHard, double deadLetteredPrompts) {
    static final double TARGET = 0.6;
    /** Steps at the end over which the critic's explained variance is averaged. */
    static final int RECENT_STEPS = 20;
    /** The value-pretraining gate's default moving-average window. */
    static final int GATE_WINDOW = 5;

    static RunSummary of(RunMetrics m) {
        double[][] heldOut = m.series("heldOutAccuracy");
        double[][] overMinutes = m.seriesOverMinutes("heldOutAccuracy");
        double peak = Double.NaN;
        double minutes = Double.NaN;
        double samples = Double.NaN;
        for (int i = 0; i < heldOut.length; i++) {
            peak = Double.isNaN(peak) ? heldOut[i][1] : Math.max(peak, heldOut[i][1]);
            if (Double.isNaN(minutes) && heldOut[i][1] >= TARGET) {
                minutes = overMinutes[i][0];
                samples = valueAtStep(m, "samplesDrawn", heldOut[i][0]);
            }
        }
        return new RunSummary(m.name(), heldOut.length == 0 ? Double.NaN : heldOut[0][1], peak,
            heldOut.length == 0 ? Double.NaN : heldOut[heldOut.length - 1][1], minutes, samples,
            valuePretrainingEnd(m), recentMean(m, "explainedVariance"), recentMean(m, "explainedVarianceHard"),
            lastValue(m, "deadLetteredPrompts"));
    }

    /** The settings whose values differ between the runs (a key missing from a run counts as a value). */
    static List<String> differingSettings(List<RunMetrics> runs) {
        TreeSet<String> keys = new TreeSet<>();
        runs.forEach(r -> keys.addAll(r.settings().keySet()));
        List<String> differing = new ArrayList<>();
        for (String key : keys) {
            String first = runs.get(0).settings().get(key);
            if (runs.stream().anyMatch(r -> !Objects.equals(first, r.settings().get(key)))) {
                differing.add(key);
            }
        }
        return differing;
    }

    private static double valueAtStep(RunMetrics m, String metric, double step) {
        for (Map<String, Double> s : m.steps()) {
            if (Objects.equals(s.get("step"), step)) {
                return s.getOrDefault(metric, Double.NaN);
            }
        }
        return Double.NaN;
    }

    private static double lastValue(RunMetrics m, String metric) {
        double[][] series = m.series(metric);
        return series.length == 0 ? Double.NaN : series[series.length - 1][1];
    }

    /** Mean explained variance of the last value-pretraining steps (those before the first policy update). */
    private static double valuePretrainingEnd(RunMetrics m) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> s : m.steps()) {
            Double ev = s.get("valuePretrainEv");
            if (ev != null && Double.isFinite(ev) && Objects.equals(s.get("policyVersion"), 0.0)) {
                values.add(ev);
            }
        }
        return values.isEmpty() ? Double.NaN
            : values.subList(Math.max(0, values.size() - GATE_WINDOW), values.size()).stream()
                .mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    private static double recentMean(RunMetrics m, String metric) {
        double[][] series = m.series(metric);
        int from = Math.max(0, series.length - RECENT_STEPS);
        double sum = 0;
        for (int i = from; i < series.length; i++) {
            sum += series[i][1];
        }
        return series.length == 0 ? Double.NaN : sum / (series.length - from);
    }
}
