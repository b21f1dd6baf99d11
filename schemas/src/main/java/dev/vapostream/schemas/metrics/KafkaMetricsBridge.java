package dev.vapostream.schemas.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;

/**
 * A Kafka {@link MetricsReporter} that mirrors vapo's own metrics into {@link StageMeters}: the
 * generator's, the advantage stage's, the scorer's (Kafka Streams custom metrics) and the dead
 * letters'. Kafka's own client and Streams metrics are left to JMX; there are hundreds and their
 * tag sets vary by name, which a Prometheus registry refuses.
 *
 * <p>A metric {@code groups-total} in group {@code generator} becomes the counter
 * {@code vapo_generator_groups_total}; {@code version-lag} the gauge {@code vapo_generator_version_lag};
 * the Kafka tags become labels ({@code worker}, {@code stage}, {@code source_topic}, ...).
 */
public final class KafkaMetricsBridge implements MetricsReporter {
    private static final List<String> OWN_GROUPS = List.of("generator", "advantage-stream", "dead-letters");
    private static final String OWN_STREAMS_GROUP_PREFIX = "stream-vapo-";

    private final MeterRegistry registry;
    private final Map<MetricName, Meter> meters = new ConcurrentHashMap<>();

    /** For {@code metric.reporters}, which instantiates reporters itself. */
    public KafkaMetricsBridge() {
        this(StageMeters.registry());
    }

    public KafkaMetricsBridge(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
        metrics.forEach(this::metricChange);
    }

    @Override
    public void metricChange(KafkaMetric metric) {
        MetricName name = metric.metricName();
        if (!isVapos(name.group())) {
            return;
        }
        meters.computeIfAbsent(name, n -> register(metric));
    }

    @Override
    public void metricRemoval(KafkaMetric metric) {
        Meter meter = meters.remove(metric.metricName());
        if (meter != null) {
            registry.remove(meter);
        }
    }

    @Override
    public void close() {
        meters.values().forEach(registry::remove);
        meters.clear();
    }

    static boolean isVapos(String group) {
        return OWN_GROUPS.contains(group) || group.startsWith(OWN_STREAMS_GROUP_PREFIX);
    }

    private Meter register(KafkaMetric metric) {
        MetricName name = metric.metricName();
        String group = name.group().startsWith(OWN_STREAMS_GROUP_PREFIX)
            ? name.group().substring("stream-".length(), name.group().length() - "-metrics".length())
            : name.group();
        List<Tag> tags = name.tags().entrySet().stream().map(e -> Tag.of(e.getKey(), e.getValue())).toList();
        boolean monotonic = metric.measurable() instanceof CumulativeSum || metric.measurable() instanceof CumulativeCount;
        if (monotonic) {
            String counter = name.name().endsWith("-total") ? name.name().substring(0, name.name().length() - 6) : name.name();
            return FunctionCounter.builder(meterName(group, counter), metric, KafkaMetricsBridge::value)
                .description(name.description()).tags(tags).register(registry);
        }
        return Gauge.builder(meterName(group, name.name()), metric, KafkaMetricsBridge::value)
            .description(name.description()).tags(tags).register(registry);
    }

    private static String meterName(String group, String name) {
        String prefix = group.startsWith("vapo") ? group : "vapo." + group;
        return prefix + "." + name;
    }

    private static double value(KafkaMetric metric) {
        return metric.metricValue() instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
