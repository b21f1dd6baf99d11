package dev.vapostream.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the stages {@code vapo train} runs beside its learner. The first stage to fail is the
 * run's failure: a Kafka Streams app that hits a fatal error or stops on its own, or a worker
 * that reports one. The learner polls {@link #failure()} between draws, so the run stops within
 * seconds instead of waiting for groups that will never come.
 */
final class StageSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(StageSupervisor.class);

    /** The stage that failed first and why. */
    record Failure(String stage, Throwable error) {
        /** The stage, the error, and the error's root cause, which Kafka Streams wraps. */
        String describe() {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return "the " + stage + " stage failed: " + error + (root == error ? "" : "; caused by " + root);
        }
    }

    private final AtomicReference<Failure> first = new AtomicReference<>();
    private final List<Runnable> pollers = new ArrayList<>();
    private volatile boolean closing;

    /**
     * Watches a Streams app; call before {@code start()}. A fatal error shuts the app down and is the
     * run's failure; so is the app leaving RUNNING for NOT_RUNNING or ERROR before {@link #closing()}.
     */
    void watch(String stage, KafkaStreams streams) {
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("{}: fatal error, shutting the stage down", stage, error);
            fail(stage, error);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            if (!closing && (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING
                || now == KafkaStreams.State.PENDING_SHUTDOWN)) {
                fail(stage, new IllegalStateException("Kafka Streams went from " + before + " to " + now));
            }
        });
    }

    /** Watches a worker by its own report of a failure (e.g. a generator's {@code failure()}). */
    void watch(String stage, Supplier<Optional<Throwable>> failure) {
        synchronized (pollers) {
            pollers.add(() -> failure.get().ifPresent(e -> fail(stage, e)));
        }
    }

    /** The first failure, if any stage has failed. */
    Optional<Failure> failure() {
        synchronized (pollers) {
            pollers.forEach(Runnable::run);
        }
        return Optional.ofNullable(first.get());
    }

    /** From now on the stages are being stopped on purpose: their leaving RUNNING is no failure. */
    void closing() {
        closing = true;
    }

    private void fail(String stage, Throwable error) {
        if (first.compareAndSet(null, new Failure(stage, error))) {
            LOG.error("{} stage failed; stopping the run", stage, error);
        }
    }
}
