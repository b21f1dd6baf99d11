package dev.vapostream.learner;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
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
            file.write(TrainMetricsJson.line(m));
            file.newLine();
            file.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to metrics.jsonl", e);
        }
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
