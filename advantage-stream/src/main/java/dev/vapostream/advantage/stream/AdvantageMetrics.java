package dev.vapostream.advantage.stream;

import java.util.List;
import java.util.Map;

import dev.vapostream.schemas.metrics.KafkaMetricsBridge;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.Value;

/**
 * The advantage stage's counters, on JMX as {@code vapo:type=advantage-stream}: groups and tokens
 * (total and per second), critic versions loaded and refused, the critic version in use.
 */
public final class AdvantageMetrics {
    private static final String GROUP = "advantage-stream";
    private static final Metrics METRICS = new Metrics(new MetricConfig(), List.of(new JmxReporter(), new KafkaMetricsBridge()),
        org.apache.kafka.common.utils.Time.SYSTEM, new KafkaMetricsContext("vapo"));
    private static final Sensor GROUPS = counter("groups", "scored groups turned into advantage groups");
    private static final Sensor TOKENS = counter("tokens", "response tokens given advantages");
    private static final Sensor VALUING_SECONDS = counter("valuing-seconds",
        "seconds spent checking groups and valuing them with the critic");
    private static final Sensor GAE_SECONDS = counter("gae-seconds", "seconds spent on GAE and building advantage records");
    private static final Sensor CRITIC_LOADS = counter("critic-loads", "critic versions loaded");
    private static final Sensor CRITIC_REFUSALS = counter("critic-refusals", "critic versions refused (SHA-256, not loadable, older than the one in use) and unreadable critic chunks");
    private static final Sensor CRITIC_VERSION = gauge("critic-version", "critic version in use, -1 before the first");

    static {
        CRITIC_VERSION.record(-1);
    }

    private AdvantageMetrics() {
    }

    /** A group done: its tokens, the seconds spent valuing it and computing its advantages. */
    static void groupDone(int tokens, double valuingSeconds, double gaeSeconds) {
        GROUPS.record();
        TOKENS.record(tokens);
        VALUING_SECONDS.record(valuingSeconds);
        GAE_SECONDS.record(gaeSeconds);
    }

    static void criticLoaded(long version) {
        CRITIC_LOADS.record();
        CRITIC_VERSION.record(version);
    }

    static void criticRefused() {
        CRITIC_REFUSALS.record();
    }

    /** Current value of a metric by name, e.g. {@code groups-total} or {@code critic-version}. */
    public static double value(String name) {
        return ((Number) METRICS.metrics().get(METRICS.metricName(name, GROUP)).metricValue()).doubleValue();
    }

    private static Sensor counter(String name, String description) {
        Sensor sensor = METRICS.sensor(name);
        sensor.add(METRICS.metricName(name + "-total", GROUP, description, Map.of()), new CumulativeSum());
        sensor.add(METRICS.metricName(name + "-rate", GROUP, description + " per second", Map.of()), new Rate());
        return sensor;
    }

    private static Sensor gauge(String name, String description) {
        Sensor sensor = METRICS.sensor(name);
        sensor.add(METRICS.metricName(name, GROUP, description, Map.of()), new Value());
        return sensor;
    }

    static MetricName name(String name) {
        return METRICS.metricName(name, GROUP);
    }
}
