package dev.vapostream.schemas.stage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.vapostream.schemas.metrics.StageMeters;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams application as a {@link Stage}. Its handlers are set here, once: an error that
 * reaches the uncaught-exception handler (one that is not a poison record, which the topology
 * dead-letters) shuts the client down and is the stage's failure; so is the client leaving
 * RUNNING for PENDING_SHUTDOWN, NOT_RUNNING or ERROR before {@link #close()}, e.g. closed by
 * something other than its owner. One error replaces the stream thread instead, a few times at
 * most: a transaction commit the broker refused after aborting the transaction itself ({@link
 * StreamThreadFailures}).
 */
public final class StreamsStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsStage.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_THREAD_REPLACEMENTS = 5;

    private final String name;
    private final KafkaStreams streams;
    private final List<AutoCloseable> resources;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final StreamThreadFailures threadFailures = new StreamThreadFailures(MAX_THREAD_REPLACEMENTS);
    private volatile boolean closing;

    /**
     * @param resources what the topology uses and the stage owns (e.g. a critic), closed after the
     *                  client
     */
    public StreamsStage(String name, Topology topology, Properties streamsProperties, AutoCloseable... resources) {
        this.name = name;
        this.resources = List.of(resources);
        this.streams = new KafkaStreams(topology, streamsProperties);
        Counter replacements = Counter.builder("vapo.streams.thread.replacements").tag("stage", name)
            .description("stream threads replaced after a transaction commit the broker refused (KAFKA-20785)")
            .register(StageMeters.registry());
        streams.setUncaughtExceptionHandler(error -> {
            StreamThreadExceptionResponse response = threadFailures.respond(error);
            if (response == StreamThreadExceptionResponse.REPLACE_THREAD) {
                replacements.increment();
                LOG.warn("{}: the broker refused a transaction commit after aborting the transaction itself (it was away"
                    + " longer than transaction.timeout.ms; KAFKA-20785); nothing of it was committed, so a new stream"
                    + " thread resumes from the last committed offsets ({} of at most {} replacements)", name,
                    threadFailures.replaced(), threadFailures.maxReplacements(), error);
                return response;
            }
            fail(error);
            return response;
        });
        streams.setStateListener((now, before) -> {
            if (!closing && (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING
                || now == KafkaStreams.State.PENDING_SHUTDOWN)) {
                fail(new IllegalStateException("Kafka Streams went from " + before + " to " + now));
            }
        });
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        streams.start();
    }

    @Override
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    @Override
    public boolean stopped() {
        return failure.get() != null;
    }

    /** The client's state, for waiting on RUNNING in tests and for health reporting. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The client itself, for tests that close it behind the stage's back. */
    KafkaStreams client() {
        return streams;
    }

    @Override
    public void close() {
        closing = true;
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!streams.close(CLOSE_TIMEOUT)) {
            // Its stream threads may still use the resources (a critic): leave them to the JVM's end.
            LOG.error("{}: Kafka Streams did not close within {}; leaving its resources open", name, CLOSE_TIMEOUT);
            return;
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("{}: closing {} failed", name, resource, e);
            }
        }
    }

    private void fail(Throwable error) {
        if (failure.compareAndSet(null, error)) {
            LOG.error("{}: fatal error, shutting the stage down", name, error);
        }
    }
}
