package dev.vapostream.generator;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.stage.StageRunner;
import dev.vapostream.schemas.stage.ThreadStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rollout worker as a {@link dev.vapostream.schemas.stage.Stage}; {@code vapo generator} runs
 * it alone. DJL's thread pools and seeds are process-wide, so more workers means more processes;
 * they share the prompts by partitions.
 */
public final class GeneratorApp {
    private static final Logger LOG = LoggerFactory.getLogger(GeneratorApp.class);
    /** Long enough for the batch in progress to finish and its transaction to end. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

    private GeneratorApp() {
    }

    /**
     * Creates missing topics (unless {@code topics.create=false}) and runs the worker until Ctrl-C
     * or a failure: 0 when it stopped cleanly, 1 if it failed. A bad setting is an
     * {@link IllegalArgumentException} naming it.
     */
    public static int run(Properties properties) {
        GeneratorConfig config = GeneratorConfig.fromProperties(properties);
        if (config.createTopics()) {
            ensureTopics(config);
        }
        return StageRunner.runAlone(properties, () -> open(config),
            () -> LOG.info("stopping generator {}", config.workerId()));
    }

    /** Opens the worker's clients (closing them again if one fails to open); the stage is ready to start. */
    public static ThreadStage open(GeneratorConfig config) {
        GeneratorWorker worker = new GeneratorWorker(config);
        LOG.info("generator {}: {} -> {}, policy '{}' from {}, G from each prompt's run contract (else {}), {} groups"
                + " in flight, {}", config.workerId(), config.promptsTopic(), config.rolloutsTopic(), config.modelName(),
            config.weightsTopic(), config.groupSize(), config.maxGroupsInFlight(), config.sampling());
        return new ThreadStage(config.workerId(), worker::run, worker::close, worker::failure, null, STOP_TIMEOUT);
    }

    /** Creates the prompts, rollouts and weights topics (and their dead-letter topics) if missing. */
    public static void ensureTopics(GeneratorConfig config) {
        TopicAdmin.ensure(config.bootstrapServers(), config.kafka(), List.of(Topics.PROMPTS.withName(config.promptsTopic()),
            Topics.ROLLOUTS.withName(config.rolloutsTopic()), Topics.WEIGHTS.withName(config.weightsTopic())),
            config.topicReplication());
    }
}
