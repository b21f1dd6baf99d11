package dev.vapostream.scorer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import dev.vapostream.schemas.StageArguments;
import dev.vapostream.schemas.TopicAdmin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the scoring stage.
 *
 * <pre>
 * ScorerApp [settings.properties ...] [key=value ...]
 * </pre>
 * Files are read in order, then {@code key=value} arguments override them. Exits 2 on a bad
 * configuration, 1 if the stage stops with an error, 0 after Ctrl-C.
 */
public final class ScorerApp {
    private static final Logger LOG = LoggerFactory.getLogger(ScorerApp.class);

    private ScorerApp() {
    }

    public static void main(String[] args) {
        Properties props;
        try {
            props = StageArguments.load(args);
        } catch (IOException e) {
            System.err.println("vapo-scorer: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(props));
    }

    /**
     * Runs the stage until Ctrl-C or a fatal error: 0 after Ctrl-C, 1 if the stage stopped with an
     * error, 2 on a bad configuration. Never exits the JVM, so {@code vapo scorer} can call it.
     */
    public static int run(Properties props) {
        ScorerConfig config;
        try {
            config = ScorerConfig.fromProperties(props);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("vapo-scorer: " + e.getMessage());
            return 2;
        }
        if (config.createTopics()) {
            ensureTopics(config);
        }
        KafkaStreams streams = create(config);
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping {}", config.applicationId());
            streams.close(Duration.ofSeconds(30));
        }, "vapo-scorer-shutdown"));
        streams.start();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (streams.state() == KafkaStreams.State.ERROR) {
            LOG.error("{} stopped with an error", config.applicationId());
            return 1;
        }
        return 0;
    }

    /** Builds the topology, logs it, and starts it; a fatal error shuts the client down. */
    public static KafkaStreams start(ScorerConfig config) {
        KafkaStreams streams = create(config);
        streams.start();
        return streams;
    }

    /** Builds the topology and logs it; returns the app ready to start. A fatal error shuts the client down. */
    public static KafkaStreams create(ScorerConfig config) {
        Topology topology = ScorerTopology.build(config);
        LOG.info("{}: {} ({}) -> [{}] -> {}, time limit {} ms per group\n{}", config.applicationId(), config.inputTopic(),
            config.inputType().configValue(), config.describeScorers(), config.outputTopic(), config.groupTimeout().toMillis(),
            topology.describe());
        KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties());
        streams.setUncaughtExceptionHandler(error -> {
            LOG.error("{}: fatal error, shutting down", config.applicationId(), error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        return streams;
    }

    /** Creates the input and output topics (and their dead-letter topics) if missing. */
    public static void ensureTopics(ScorerConfig config) {
        TopicAdmin.ensure(config.bootstrapServers(), config.kafka(), List.of(config.inputDescriptor(), config.outputDescriptor()),
            config.topicReplication());
    }
}
