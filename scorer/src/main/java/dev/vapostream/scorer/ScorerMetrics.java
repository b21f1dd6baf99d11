package dev.vapostream.scorer;

import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The scoring processor's metrics, registered with Kafka Streams (so they appear in
 * {@code KafkaStreams#metrics()} and on JMX as
 * {@code kafka.streams:type=stream-vapo-scorer-metrics,thread-id=…,vapo-scorer-id=<task>}):
 * <ul>
 *   <li>{@code groups-scored-total}, {@code groups-scored-rate}: groups written to the output;</li>
 *   <li>{@code groups-scored-latency-avg}, {@code groups-scored-latency-max}: time to run the
 *       scorer chain on a group, milliseconds;</li>
 *   <li>{@code groups-failed-total}/{@code -rate}: groups dead-lettered because a scorer threw,
 *       returned a malformed result, or the group was bad input;</li>
 *   <li>{@code groups-timed-out-total}/{@code -rate}: groups dead-lettered for exceeding the time limit.</li>
 * </ul>
 * Records that cannot be deserialized never reach the processor; they are counted by
 * {@code DeadLetterMetrics}.
 */
final class ScorerMetrics implements AutoCloseable {
    static final String SCOPE = "vapo-scorer";
    static final String GROUP = "stream-" + SCOPE + "-metrics";
    private final StreamsMetrics metrics;
    private final Sensor scored;
    private final Sensor failed;
    private final Sensor timedOut;

    ScorerMetrics(StreamsMetrics metrics, String entity) {
        this.metrics = metrics;
        this.scored = metrics.addLatencyRateTotalSensor(SCOPE, entity, "groups-scored", Sensor.RecordingLevel.INFO);
        this.failed = metrics.addRateTotalSensor(SCOPE, entity, "groups-failed", Sensor.RecordingLevel.INFO);
        this.timedOut = metrics.addRateTotalSensor(SCOPE, entity, "groups-timed-out", Sensor.RecordingLevel.INFO);
    }

    void scored(double latencyMs, long nowMs) {
        scored.record(latencyMs, nowMs);
    }

    void failed(long nowMs) {
        failed.record(1.0, nowMs);
    }

    void timedOut(long nowMs) {
        timedOut.record(1.0, nowMs);
    }

    @Override
    public void close() {
        metrics.removeSensor(scored);
        metrics.removeSensor(failed);
        metrics.removeSensor(timedOut);
    }
}
