package dev.vapostream.generator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.vapostream.generator.weights.VersionEvents;
import dev.vapostream.schemas.metrics.KafkaMetricsBridge;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.utils.Time;

/**
 * One worker's counters, on JMX as {@code vapo:type=generator,worker=<worker.id>}: groups and
 * tokens (total and per second), prompts dead-lettered, policy versions loaded and refused, the
 * version in use, the newest announced version and the lag between them. Several workers in one
 * JVM (tests) are told apart by the worker tag.
 */
public final class GeneratorMetrics implements VersionEvents, AutoCloseable {
    static final String GROUP = "generator";
    private static final int MAX_BROADCASTS_KEPT = 100_000;
    private static final Metrics METRICS = new Metrics(new MetricConfig(), List.of(new JmxReporter(), new KafkaMetricsBridge()), Time.SYSTEM,
        new KafkaMetricsContext("vapo"));

    private final String workerId;
    private final Map<String, String> tags;
    private final List<String> sensorNames = new ArrayList<>();
    private final Sensor groups;
    private final Sensor tokens;
    private final Sensor deadLetters;
    private final Sensor loads;
    private final Sensor refusals;
    private final Sensor stalls;
    private final Sensor unreadable;
    private final Sensor version;
    private final Sensor newest;
    private final Sensor lag;
    private final Sensor broadcast;
    private final Sensor samplingSeconds;
    private final Sensor sendingSeconds;
    private final Sensor commitSeconds;
    /** Every version's time from publish to use, for the run's percentiles (bounded: a long run keeps its first ones). */
    private final List<Long> broadcastMillis = new ArrayList<>();
    private long versionInUse = -1;
    private long newestAnnounced = -1;

    public GeneratorMetrics(String workerId) {
        this.workerId = workerId;
        this.tags = Map.of("worker", workerId);
        groups = counter("groups", "response groups committed");
        tokens = counter("tokens", "response tokens sampled in committed groups");
        deadLetters = counter("dead-letters", "prompts sent to the dead-letter topic");
        loads = counter("versions-loaded", "policy versions loaded");
        refusals = counter("versions-refused", "policy versions refused (SHA-256 mismatch, not loadable, or older than the version in use)");
        stalls = counter("versions-incomplete", "policy versions still missing chunks 30 s after they were announced");
        unreadable = counter("chunks-unreadable", "records at the policy's chunk keys that could not be decoded");
        version = gauge("policy-version", "policy version in use, -1 before the first");
        newest = gauge("newest-version", "newest policy version announced on the weights topic, -1 before the first");
        lag = gauge("version-lag", "newest announced version minus the version in use");
        samplingSeconds = counter("sampling-seconds", "seconds spent sampling");
        sendingSeconds = counter("sending-seconds", "seconds spent serialising groups and handing them to the producer");
        commitSeconds = counter("commit-seconds", "seconds spent committing transactions (offsets and commit)");
        broadcast = sensor("broadcast-latency");
        broadcast.add(METRICS.metricName("broadcast-latency-avg", GROUP,
            "milliseconds from the learner's publish of a version to its use here, mean over the last minute", tags), new Avg());
        broadcast.add(METRICS.metricName("broadcast-latency-max", GROUP,
            "milliseconds from the learner's publish of a version to its use here, max over the last minute", tags), new Max());
        updateVersions();
    }

    /** A transaction with {@code groupCount} groups of {@code tokenCount} response tokens committed. */
    void committed(int groupCount, long tokenCount) {
        groups.record(groupCount);
        tokens.record(tokenCount);
    }

    /** Where a batch's time went: sampling, serialising and sending its groups, committing its transaction. */
    void timed(double sampling, double sending, double commit) {
        samplingSeconds.record(sampling);
        sendingSeconds.record(sending);
        commitSeconds.record(commit);
    }

    void deadLettered() {
        deadLetters.record();
    }

    @Override
    public synchronized void loaded(long loadedVersion, Duration sincePublished) {
        loads.record();
        broadcast.record(sincePublished.toMillis());
        if (broadcastMillis.size() < MAX_BROADCASTS_KEPT) {
            broadcastMillis.add(sincePublished.toMillis());
        }
        versionInUse = loadedVersion;
        updateVersions();
    }

    @Override
    public void refused(long refusedVersion, String reason) {
        refusals.record();
    }

    @Override
    public void incomplete(long version, List<Integer> missing) {
        stalls.record();
    }

    @Override
    public void unreadableChunk(String key, String reason) {
        unreadable.record();
    }

    @Override
    public synchronized void announced(long newestVersion) {
        newestAnnounced = newestVersion;
        updateVersions();
    }

    /** Current value of one of this worker's metrics, e.g. {@code groups-total} or {@code version-lag}. */
    public double value(String name) {
        return ((Number) METRICS.metrics().get(METRICS.metricName(name, GROUP, tags)).metricValue()).doubleValue();
    }

    /** One line for the log. */
    String summary() {
        return String.format(Locale.ROOT,
            "generator %s: %.2f groups/s, %.0f tokens/s (%.0f groups, %.0f dead letters in total), policy v%d, newest v%d, lag %d, %.0f versions refused, %s",
            workerId, value("groups-rate"), value("tokens-rate"), value("groups-total"), value("dead-letters-total"),
            (long) value("policy-version"), (long) value("newest-version"), (long) value("version-lag"),
            value("versions-refused-total"), broadcastSummary());
    }

    /** Publish-to-use time of the versions this worker loaded: median and 95th percentile. */
    synchronized String broadcastSummary() {
        if (broadcastMillis.isEmpty()) {
            return "no version loaded";
        }
        List<Long> sorted = new ArrayList<>(broadcastMillis);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "publish to use p50 %d ms, p95 %d ms over %d versions", percentile(sorted, 50),
            percentile(sorted, 95), sorted.size());
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private void updateVersions() {
        version.record(versionInUse);
        newest.record(newestAnnounced);
        lag.record(versionInUse < 0 ? 0 : Math.max(0, newestAnnounced - versionInUse));
    }

    private Sensor counter(String name, String description) {
        Sensor sensor = sensor(name);
        sensor.add(METRICS.metricName(name + "-total", GROUP, description, tags), new CumulativeSum());
        sensor.add(METRICS.metricName(name + "-rate", GROUP, description + " per second", tags), new Rate());
        return sensor;
    }

    private Sensor gauge(String name, String description) {
        Sensor sensor = sensor(name);
        sensor.add(METRICS.metricName(name, GROUP, description, tags), new Value());
        return sensor;
    }

    private Sensor sensor(String name) {
        String sensorName = GROUP + ":" + workerId + ":" + name;
        sensorNames.add(sensorName);
        return METRICS.sensor(sensorName);
    }

    /** Removes this worker's metrics (and MBean), so a worker id can be reused in the same JVM. */
    @Override
    public void close() {
        sensorNames.forEach(METRICS::removeSensor);
    }
}
