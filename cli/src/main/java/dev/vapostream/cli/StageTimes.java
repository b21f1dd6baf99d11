package dev.vapostream.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.metrics.StageMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;

/**
 * Where {@code vapo train}'s time goes: after every learner step one line of {@code stage-times.jsonl}
 * with the stages' cumulative busy seconds (the {@code vapo.*.…-seconds} counters: the generator's
 * sampling, sending and commits, the advantage stage's valuing and GAE) and the CPU seconds of the
 * JVM's threads by component (the stages, the embedded broker, the registry client), of the child
 * processes (the schema registry) and of what no Java thread accounts for (GC, JIT, native
 * threads). Differences between two lines give a window's breakdown (docs/benchmarks.md).
 */
final class StageTimes implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BROKER_PREFIXES = List.of("data-plane-kafka", "kafka-", "broker-", "controller-",
        "group-coordinator", "share-", "raft-", "quorum-controller", "transaction-", "ExpirationReaper", "executor-",
        "client-metrics-reaper", "persister-", "network-partition", "LogDirFailureHandler", "ReplicaFetcher",
        "metrics-meter-tick");

    private final BufferedWriter out;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    StageTimes(Path file) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
    }

    /** Appends the counters as they are after {@code step}. */
    void record(TrainMetrics step) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step.getStep());
        line.put("policyVersion", step.getPolicyVersion());
        line.put("timestampMs", step.getTimestampMs().toEpochMilli());
        line.put("busySeconds", busySeconds());
        line.put("cpuSeconds", cpuSeconds());
        try {
            out.write(JSON.writeValueAsString(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to stage-times.jsonl", e);
        }
    }

    /** The stages' {@code …-seconds} counters, summed over workers. */
    private static Map<String, Double> busySeconds() {
        Map<String, Double> busy = new TreeMap<>();
        for (Meter meter : StageMeters.registry().getMeters()) {
            String name = meter.getId().getName();
            if (meter instanceof FunctionCounter counter && name.startsWith("vapo.") && name.endsWith("-seconds")) {
                busy.merge(name.substring("vapo.".length()), counter.count(), Double::sum);
            }
        }
        return busy;
    }

    private Map<String, Double> cpuSeconds() {
        Map<String, Double> cpu = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                cpu.merge(componentOf(info.getThreadName()), nanos / 1e9, Double::sum);
            }
        }
        double children = ProcessHandle.current().descendants()
            .mapToDouble(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9).sum();
        cpu.put("registry process", children);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            // What no Java thread accounts for: garbage collection, the JIT, native threads.
            double threadsTotal = cpu.values().stream().mapToDouble(Double::doubleValue).sum() - children;
            cpu.put("jvm and native threads", os.getProcessCpuTime() / 1e9 - threadsTotal);
        }
        return cpu;
    }

    /** The component a thread of {@code vapo train}'s JVM works for, from its name. */
    static String componentOf(String thread) {
        String t = thread.toLowerCase(Locale.ROOT);
        if (t.startsWith("generator-") || t.contains("| generator-") || t.contains("vapo-generator")) {
            return "generator";
        }
        if (t.contains("vapo-scorer") || t.startsWith("scorer-")) {
            return "scorer";
        }
        if (t.contains("vapo-advantage")) {
            return "advantage";
        }
        if (t.equals("learner") || t.contains("vapo-learner") || t.startsWith("kafka-producer-network-thread | producer-")) {
            return "learner";
        }
        if (t.startsWith("vert.x") || t.startsWith("vertx")) {
            return "registry client";
        }
        for (String prefix : BROKER_PREFIXES) {
            if (thread.startsWith(prefix)) {
                return "broker";
            }
        }
        return t.startsWith("gc ") || t.contains("compilerthread") || t.startsWith("g1 ") ? "jvm" : "other";
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
