package dev.vapostream.advantage.stream;

import java.util.List;
import java.util.Properties;

import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.stage.StageRunner;
import dev.vapostream.schemas.stage.StreamsStage;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The advantage stage as a {@link dev.vapostream.schemas.stage.Stage}; {@code vapo advantage} runs it alone. */
public final class AdvantageApp {
    private static final Logger LOG = LoggerFactory.getLogger(AdvantageApp.class);

    private AdvantageApp() {
    }

    /**
     * Creates missing topics (unless {@code topics.create=false}) and runs the stage until Ctrl-C or
     * a fatal error: 0 when it stopped cleanly, 1 if it failed. A bad setting is an
     * {@link IllegalArgumentException} naming it.
     */
    public static int run(Properties properties) {
        AdvantageConfig config = AdvantageConfig.fromProperties(properties);
        if (config.createTopics()) {
            ensureTopics(config);
        }
        return StageRunner.runAlone(properties, () -> open(config), () -> LOG.info("stopping {}", config.applicationId()));
    }

    /**
     * Builds the topology over a critic that follows the weights topic, and logs it; returns the
     * stage, which owns the critic, ready to start.
     */
    public static StreamsStage open(AdvantageConfig config) {
        CriticFollower critic = new CriticFollower(config.criticModelName(), DjlCritic::fromWeights,
            config.criticLookInterval(), System::nanoTime);
        try {
            Topology topology = AdvantageTopology.build(config, critic);
            LOG.info("advantage-stream {} → {}; groups are valued with their run contract's estimator, or without one"
                + " with {}\n{}", config.inputTopic(), config.outputTopic(), config.estimator(), topology.describe());
            if (config.overrideRunContract()) {
                LOG.warn("override.run.contract: every group is valued with {}, whatever its run contract says",
                    config.estimator());
            }
            return new StreamsStage("advantage", topology, config.streamsProperties(), critic);
        } catch (RuntimeException e) {
            critic.close();
            throw e;
        }
    }

    /** Creates the input, output and weights topics (and their dead-letter topics) if missing. */
    public static void ensureTopics(AdvantageConfig config) {
        TopicAdmin.ensure(config.bootstrapServers(), config.kafka(), List.of(
                Topics.SCORED.withName(config.inputTopic()),
                Topics.ADVANTAGES.withName(config.outputTopic()),
                Topics.WEIGHTS.withName(config.weightsTopic())), config.topicReplication());
    }
}
