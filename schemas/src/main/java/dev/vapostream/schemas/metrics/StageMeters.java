package dev.vapostream.schemas.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process's Micrometer registry, which {@link MetricsEndpoint} serves to Prometheus. One per
 * JVM, like the JMX server: {@code vapo train} runs every stage in one JVM, and their meters are
 * told apart by their names and tags.
 */
public final class StageMeters {
    private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private StageMeters() {
    }

    public static PrometheusMeterRegistry registry() {
        return REGISTRY;
    }
}
