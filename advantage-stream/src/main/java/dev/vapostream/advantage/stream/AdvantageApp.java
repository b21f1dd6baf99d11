package dev.vapostream.advantage.stream;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.settings.Settings;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the advantage stage until the JVM is asked to stop. */
public final class AdvantageApp {
    private static final Logger LOG = LoggerFactory.getLogger(AdvantageApp.class);

    private AdvantageApp() {
    }

    /** Creates the input, output and weights topics (and their dead-letter topics) if missing. */
    static void ensureTopics(AdvantageConfig config, short replication) {
        TopicAdmin.ensure(config.bootstrapServers(), config.kafka(), List.of(
                Topics.SCORED.withName(config.inputTopic()),
                Topics.ADVANTAGES.withName(config.outputTopic()),
                Topics.WEIGHTS.withName(config.weightsTopic())), replication);
    }

    /** Builds, starts, and blocks until shutdown; a fatal stream error ends the process with a message. */
    public static void run(Properties properties) throws InterruptedException {
        AdvantageConfig config = AdvantageConfig.fromProperties(properties);
        Settings settings = AdvantageConfig.SPEC.read(properties);
        if (settings.get(AdvantageConfig.TOPICS_CREATE)) {
            ensureTopics(config, settings.get(AdvantageConfig.TOPICS_REPLICATION).shortValue());
        }
        CriticFollower critic = new CriticFollower(config.criticModelName(), DjlCritic::fromWeights);
        Topology topology = AdvantageTopology.build(config, critic);
        LOG.info("advantage-stream {} → {}; groups are valued with their run contract's estimator, or without one"
            + " with {}\n{}", config.inputTopic(), config.outputTopic(), config.estimator(), topology.describe());
        if (config.overrideRunContract()) {
            LOG.warn("override.run.contract: every group is valued with {}, whatever its run contract says",
                config.estimator());
        }
        KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties());
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("advantage-stream stopping on a fatal error: {}", e.toString(), e);
            stopped.countDown();
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "advantage-shutdown"));
        streams.start();
        stopped.await();
        streams.close();
        critic.close();
    }
}
