package dev.vapostream.scorer;

import java.util.List;
import java.util.Properties;

import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.stage.StageRunner;
import dev.vapostream.schemas.stage.StreamsStage;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The scoring stage as a {@link dev.vapostream.schemas.stage.Stage}; {@code vapo scorer} runs it alone. */
public final class ScorerApp {
    private static final Logger LOG = LoggerFactory.getLogger(ScorerApp.class);

    private ScorerApp() {
    }

    /**
     * Runs the stage until Ctrl-C or a fatal error: 0 when it stopped cleanly, 1 if the stage stopped with an
     * error. A bad setting is an {@link IllegalArgumentException} naming it.
     */
    public static int run(Properties props) {
        ScorerConfig config = ScorerConfig.fromProperties(props);
        if (config.createTopics()) {
            ensureTopics(config);
        }
        return StageRunner.runAlone(props, () -> open(config), () -> LOG.info("stopping {}", config.applicationId()));
    }

    /** Builds the topology and logs it; returns the stage ready to start. */
    public static StreamsStage open(ScorerConfig config) {
        Topology topology = ScorerTopology.build(config);
        LOG.info("{}: {} ({}) -> [{}] -> {}, time limit {} ms per group\n{}", config.applicationId(), config.inputTopic(),
            config.inputType().configValue(), config.describeScorers(), config.outputTopic(), config.groupTimeout().toMillis(),
            topology.describe());
        return new StreamsStage("scorer", topology, config.streamsProperties());
    }

    /** Creates the input and output topics (and their dead-letter topics) if missing. */
    public static void ensureTopics(ScorerConfig config) {
        TopicAdmin.ensure(config.bootstrapServers(), config.kafka(), List.of(config.inputDescriptor(), config.outputDescriptor()),
            config.topicReplication());
    }
}
