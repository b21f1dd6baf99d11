package dev.vapostream.learner;

import java.util.Locale;
import java.util.Map;

import dev.vapostream.schemas.avro.TrainMetrics;

/** A {@link TrainMetrics} record as one line of {@code metrics.jsonl}, the file {@code vapo report} reads. */
public final class TrainMetricsJson {
    private TrainMetricsJson() {
    }

    /** Flat JSON of a metrics record; NaN becomes null so every line parses. */
    public static String line(TrainMetrics m) {
        StringBuilder s = new StringBuilder("{");
        field(s, "runId", '"' + m.getRunId() + '"');
        field(s, "step", Long.toString(m.getStep()));
        field(s, "phase", '"' + m.getPhase().name() + '"');
        field(s, "policyVersion", Long.toString(m.getPolicyVersion()));
        field(s, "timestampMs", Long.toString(m.getTimestampMs().toEpochMilli()));
        field(s, "rewardMean", num(m.getRewardMean()));
        field(s, "accuracy", num(m.getAccuracy()));
        field(s, "heldOutAccuracy", m.getHeldOutAccuracy() == null ? "null" : num(m.getHeldOutAccuracy()));
        field(s, "responseLengthMean", num(m.getResponseLengthMean()));
        field(s, "responseLengthMax", Integer.toString(m.getResponseLengthMax()));
        field(s, "entropy", num(m.getEntropy()));
        field(s, "clipFractionLow", num(m.getClipFractionLow()));
        field(s, "clipFractionHigh", num(m.getClipFractionHigh()));
        field(s, "approxKl", num(m.getApproxKl()));
        field(s, "policyLoss", num(m.getPolicyLoss()));
        field(s, "lmLoss", num(m.getLmLoss()));
        field(s, "valueLoss", num(m.getValueLoss()));
        field(s, "explainedVariance", num(m.getExplainedVariance()));
        field(s, "versionLagMin", Long.toString(m.getVersionLagMin()));
        field(s, "versionLagMean", num(m.getVersionLagMean()));
        field(s, "versionLagMax", Long.toString(m.getVersionLagMax()));
        field(s, "tokensPerSecond", num(m.getTokensPerSecond()));
        field(s, "droppedGroups", Long.toString(m.getDroppedGroups()));
        field(s, "correctedGroups", Long.toString(m.getCorrectedGroups()));
        for (Map.Entry<String, Double> e : m.getExtra().entrySet()) {
            field(s, e.getKey(), num(e.getValue()));
        }
        s.setLength(s.length() - 1);
        return s.append('}').toString();
    }

    private static void field(StringBuilder s, String name, String value) {
        s.append('"').append(name).append("\":").append(value).append(',');
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

}
