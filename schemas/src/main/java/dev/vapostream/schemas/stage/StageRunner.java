package dev.vapostream.schemas.stage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.vapostream.schemas.metrics.MetricsEndpoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs stages together and supervises them: {@code vapo train} with all four, each {@code vapo
 * <stage>} with its one. The first stage to fail is the run's failure, and the run stops within
 * {@link #POLL} of it instead of waiting for data that will never come. The run also ends when a
 * stage is done (the learner at {@code max.steps}) or when {@link #stop()} is called, e.g. by a
 * {@link ShutdownGate} on Ctrl-C. Either way every stage is closed, newest first.
 */
public final class StageRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);
    static final Duration POLL = Duration.ofMillis(200);

    /** The stage that failed first and why. */
    public record Failure(String stage, Throwable error) {
        /** The stage, the error, and the error's root cause, which Kafka Streams wraps. */
        public String describe() {
            Throwable root = error;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return "the " + stage + " stage failed: " + error + (root == error ? "" : "; caused by " + root);
        }
    }

    /** How a run ended: the first failure, if any, and what ended it. */
    public record Outcome(Optional<Failure> failure, String endedBy) {
        /** 0 if no stage failed, 1 if one did. */
        public int exitCode() {
            return failure.isPresent() ? 1 : 0;
        }
    }

    private final List<Stage> stages;
    private final CountDownLatch stopAsked = new CountDownLatch(1);

    public StageRunner(List<? extends Stage> stages) {
        this.stages = List.copyOf(stages);
    }

    /** Asks {@link #run()} to close the stages and return. */
    public void stop() {
        stopAsked.countDown();
    }

    /**
     * Starts the stages in order and blocks until one fails, one is done, or {@link #stop()} is
     * called; then closes every stage in reverse order and returns how the run ended. A stage that
     * throws from {@code start()} fails the run the same way.
     */
    public Outcome run() {
        try {
            for (Stage stage : stages) {
                try {
                    stage.start();
                } catch (RuntimeException e) {
                    return ended(Optional.of(new Failure(stage.name(), e)), stage.name() + " failing to start");
                }
            }
            return await();
        } finally {
            closeAll(stages);
        }
    }

    /**
     * {@link #run()}, stopped cleanly by a signal: {@code gate} (installed by the caller, closed when
     * it is completely done) runs {@code onSignal}, then {@link #stop()}.
     */
    public Outcome runUntilShutdown(ShutdownGate gate, Runnable onSignal) {
        gate.onSignal(() -> {
            try {
                onSignal.run();
            } finally {
                stop();
            }
        });
        return run();
    }

    /**
     * Runs one stage as its own process runs it ({@code vapo scorer} and the like): the metrics
     * endpoint if {@code metrics.port} is set, a clean stop on Ctrl-C or SIGTERM (after
     * {@code onSignal}), and the exit code: 0 when it ended cleanly, 1 when it failed. The stage is
     * opened inside, after the endpoint, so that a failure to open closes the endpoint too.
     */
    public static int runAlone(Properties stageSettings, Supplier<? extends Stage> open, Runnable onSignal) {
        try (ShutdownGate gate = ShutdownGate.install();
             MetricsEndpoint metrics = MetricsEndpoint.openIfEnabled(stageSettings)) {
            return new StageRunner(List.of(open.get())).runUntilShutdown(gate, onSignal).exitCode();
        }
    }

    private Outcome await() {
        try {
            while (!stopAsked.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                for (Stage stage : stages) {
                    Optional<Throwable> error = stage.failure();
                    if (error.isPresent()) {
                        return ended(Optional.of(new Failure(stage.name(), error.get())), stage.name() + " failing");
                    }
                    if (stage.stopped()) {
                        return ended(Optional.empty(), stage.name() + " finishing");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ended(Optional.empty(), "a request to stop");
    }

    private static Outcome ended(Optional<Failure> failure, String endedBy) {
        failure.ifPresentOrElse(f -> LOG.error("{}; stopping every stage", f.describe(), f.error()),
            () -> LOG.info("stopping every stage after {}", endedBy));
        return new Outcome(failure, endedBy);
    }

    private static void closeAll(List<Stage> stages) {
        for (int i = stages.size() - 1; i >= 0; i--) {
            try {
                stages.get(i).close();
            } catch (RuntimeException | Error e) {
                // The other stages are still closed; the failure is reported, not rethrown over the run's outcome.
                LOG.error("{}: closing failed", stages.get(i).name(), e);
            }
        }
    }
}
