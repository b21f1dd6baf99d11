package dev.vapostream.learner;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.metrics.StageMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The learner's latest step as gauges for Prometheus ({@code vapo_learner_*}, label {@code run}),
 * next to the {@link TrainMetrics} record each step writes. Before the first step every gauge
 * reads NaN.
 */
final class LearnerMeters implements AutoCloseable {
    private final AtomicReference<TrainMetrics> latest = new AtomicReference<>();
    private final AtomicReference<Double> heldOut = new AtomicReference<>(Double.NaN);
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    LearnerMeters(String runId) {
        this(runId, StageMeters.registry());
    }

    LearnerMeters(String runId, MeterRegistry registry) {
        this.registry = registry;
        gauge(runId, "step", "learner steps taken, value pretraining included", TrainMetrics::getStep);
        gauge(runId, "policy.version", "policy version after the latest step", TrainMetrics::getPolicyVersion);
        gauge(runId, "reward.mean", "mean reward of the latest batch", TrainMetrics::getRewardMean);
        gauge(runId, "accuracy", "fraction of the latest batch's responses that were correct", TrainMetrics::getAccuracy);
        gauge(runId, "explained.variance", "the critic's explained variance on the latest batch",
            TrainMetrics::getExplainedVariance);
        gauge(runId, "version.lag.mean", "mean policy-version lag of the latest batch's groups",
            TrainMetrics::getVersionLagMean);
        gauge(runId, "version.lag.max", "largest policy-version lag in the latest batch", TrainMetrics::getVersionLagMax);
        gauge(runId, "tokens.per.second", "response tokens trained per second in the latest step",
            TrainMetrics::getTokensPerSecond);
        gauge(runId, "dropped.groups", "groups dropped as too stale, since the run began", TrainMetrics::getDroppedGroups);
        meters.add(Gauge.builder("vapo.learner.held.out.accuracy", heldOut, AtomicReference::get)
            .description("the latest held-out accuracy").tag("run", runId).register(registry));
    }

    private void gauge(String runId, String name, String description, ToDoubleFunction<TrainMetrics> read) {
        meters.add(Gauge.builder("vapo.learner." + name, latest, ref -> ref.get() == null ? Double.NaN : read.applyAsDouble(ref.get()))
            .description(description).tag("run", runId).register(registry));
    }

    void record(TrainMetrics m) {
        latest.set(m);
        if (m.getHeldOutAccuracy() != null) {
            heldOut.set(m.getHeldOutAccuracy());
        }
    }

    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
