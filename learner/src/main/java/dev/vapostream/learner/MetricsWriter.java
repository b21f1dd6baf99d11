package dev.vapostream.learner;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.TrainMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One {@link TrainMetrics} per step, to {@code vapo.metrics}, to {@code metrics.jsonl} in the run folder
 * and to the learner's Prometheus gauges.
 */
final class MetricsWriter implements AutoCloseable {
    private final KafkaProducer<String, TrainMetrics> producer;
    private final String topic;
    private final BufferedWriter file;
    private final LearnerMeters meters;

    MetricsWriter(LearnerConfig config) {
        this.producer = LearnerClients.producer(config, Topics.METRICS, Map.of());
        this.topic = config.metricsTopic();
        try {
            this.file = Files.newBufferedWriter(config.runDir().resolve("metrics.jsonl"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            producer.close();
            throw new UncheckedIOException("cannot open metrics.jsonl in " + config.runDir(), e);
        }
        this.meters = new LearnerMeters(config.runId());
    }

    void write(TrainMetrics m) {
        meters.record(m);
        producer.send(new ProducerRecord<>(topic, m.getRunId(), m));
        try {
            file.write(json(m));
            file.newLine();
            file.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to metrics.jsonl", e);
        }
    }

    /** Flat JSON of a metrics record; NaN becomes null so every line parses. */
    static String json(TrainMetrics m) {
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

    @Override
    public void close() {
        meters.close();
        producer.close();
        try {
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
