package dev.vapostream.generator;

import java.io.IOException;
import java.util.List;
import java.util.Properties;

import dev.vapostream.schemas.StageArguments;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one generator worker in this process (DJL's thread pools and seeds are process-wide, so
 * more workers means more processes; they share the prompts by partitions).
 *
 * <pre>
 * GeneratorApp [settings.properties ...] [key=value ...]
 * </pre>
 * Files are read in order, then {@code key=value} arguments override them; keys in
 * {@link GeneratorConfig}. Exits 2 on a bad configuration, 1 if the worker stops with an error,
 * 0 after Ctrl-C.
 */
public final class GeneratorApp {
    private static final Logger LOG = LoggerFactory.getLogger(GeneratorApp.class);

    private GeneratorApp() {
    }

    public static void main(String[] args) {
        Properties props;
        try {
            props = StageArguments.load(args);
            GeneratorConfig.fromProperties(props);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("vapo-generator: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(props) ? 0 : 1);
    }

    /**
     * Creates missing topics (unless {@code topics.create=false}), starts the worker, stops it
     * cleanly when the JVM is asked to stop, and returns once it has stopped.
     *
     * @return true if the worker stopped because it was asked to, false if it failed
     */
    public static boolean run(Properties properties) {
        GeneratorConfig config = GeneratorConfig.fromProperties(properties);
        if (config.createTopics()) {
            ensureTopics(config);
        }
        GeneratorWorker worker = new GeneratorWorker(config);
        Thread hook = new Thread(worker::close, "vapo-generator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("generator {}: {} -> {}, policy '{}' from {}, G={}, {} groups in flight, {}", config.workerId(),
            config.promptsTopic(), config.rolloutsTopic(), config.modelName(), config.weightsTopic(), config.groupSize(),
            config.maxGroupsInFlight(), config.sampling());
        worker.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is what stopped the worker; nothing to remove.
        }
        return worker.failure().isEmpty();
    }

    /** Creates the prompts, rollouts and weights topics (and their dead-letter topics) if missing. */
    public static void ensureTopics(GeneratorConfig config) {
        TopicAdmin.ensure(config.bootstrapServers(), config.kafka(), List.of(Topics.PROMPTS.withName(config.promptsTopic()),
            Topics.ROLLOUTS.withName(config.rolloutsTopic()), Topics.WEIGHTS.withName(config.weightsTopic())),
            config.topicReplication());
    }
}
