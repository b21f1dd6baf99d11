package dev.vapostream.schemas.dlq;

import java.util.List;
import java.util.Map;

import dev.vapostream.schemas.metrics.KafkaMetricsBridge;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.utils.Time;

/**
 * Counts dead letters per stage, source topic and error, exposed over JMX as
 * {@code vapo:type=dead-letters,stage=…,source-topic=…,error=…} attribute {@code dead-letter-total}.
 */
public final class DeadLetterMetrics {
    private static final String GROUP = "dead-letters";
    private static final String NAME = "dead-letter-total";
    private static final Metrics METRICS = new Metrics(new MetricConfig(), List.of(new JmxReporter(), new KafkaMetricsBridge()), Time.SYSTEM,
        new KafkaMetricsContext("vapo"));

    private DeadLetterMetrics() {
    }

    static void record(String stage, String sourceTopic, String error) {
        Map<String, String> tags = Map.of("stage", stage, "source-topic", sourceTopic, "error", error);
        String sensorName = "dlq:" + stage + ":" + sourceTopic + ":" + error;
        Sensor sensor = METRICS.sensor(sensorName);
        synchronized (sensor) {
            MetricName name = METRICS.metricName(NAME, GROUP, "dead letters written", tags);
            if (METRICS.metric(name) == null) {
                sensor.add(name, new CumulativeCount());
            }
        }
        sensor.record();
    }

    /** Dead letters written in this JVM by {@code stage} for {@code sourceTopic}, over all errors. */
    public static long count(String stage, String sourceTopic) {
        return METRICS.metrics().entrySet().stream()
            .filter(e -> e.getKey().name().equals(NAME)
                && stage.equals(e.getKey().tags().get("stage"))
                && sourceTopic.equals(e.getKey().tags().get("source-topic")))
            .mapToLong(e -> ((Number) e.getValue().metricValue()).longValue())
            .sum();
    }
}
