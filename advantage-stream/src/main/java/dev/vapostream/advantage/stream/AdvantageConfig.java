package dev.vapostream.advantage.stream;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.dlq.StreamsDeadLetters;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the advantage stage, validated. Built from properties:
 *
 * <pre>
 * bootstrap.servers   (required)          registry.url (required)
 * application.id      vapo-advantage      state.dir    a temporary folder
 * input.topic         vapo.scored         output.topic vapo.advantages
 * weights.topic       vapo.weights        critic.model critic
 * estimator           vapo | ppo | decoupled | grpo | dr-grpo
 * gamma, lambda.critic, lambda.policy, alpha   override the estimator preset
 * kafka.*             any Kafka Streams/client setting, prefix removed, applied last
 * vapo.serde.*        serde settings, see SerdeSettings
 * </pre>
 */
public record AdvantageConfig(String applicationId, String bootstrapServers, SerdeSettings serdes, String inputTopic,
                              String outputTopic, String weightsTopic, String criticModelName,
                              EstimatorSettings estimator, Path stateDir, Map<String, String> kafka) {

    public static final String STAGE = "advantage-stream";

    public AdvantageConfig {
        requireText("application.id", applicationId);
        requireText("bootstrap.servers", bootstrapServers);
        Objects.requireNonNull(serdes, "serdes");
        requireText("input.topic", inputTopic);
        requireText("output.topic", outputTopic);
        requireText("weights.topic", weightsTopic);
        requireText("critic.model", criticModelName);
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(stateDir, "state.dir");
        kafka = Map.copyOf(kafka);
        if (inputTopic.equals(outputTopic)) {
            throw new IllegalArgumentException("input.topic and output.topic are both " + inputTopic);
        }
    }

    public static AdvantageConfig fromProperties(Properties p) {
        String registry = p.getProperty("registry.url");
        if (registry == null || registry.isBlank()) {
            throw new IllegalArgumentException("registry.url is required (--registry-url http://host:port)");
        }
        return new AdvantageConfig(
            p.getProperty("application.id", "vapo-advantage"),
            p.getProperty("bootstrap.servers"),
            SerdeSettings.fromProperties(registry, p),
            p.getProperty("input.topic", Topics.SCORED.name()),
            p.getProperty("output.topic", Topics.ADVANTAGES.name()),
            p.getProperty("weights.topic", Topics.WEIGHTS.name()),
            p.getProperty("critic.model", "critic"),
            estimatorFrom(p),
            Path.of(p.getProperty("state.dir", System.getProperty("java.io.tmpdir") + "/vapo-advantage-state")),
            ClientSettings.from(p));
    }

    /** The estimator preset named by {@code estimator}, with any of its numbers overridden. */
    public static EstimatorSettings estimatorFrom(Properties p) {
        String name = p.getProperty("estimator", "vapo").toLowerCase(Locale.ROOT);
        EstimatorSettings preset = switch (name) {
            case "vapo" -> EstimatorSettings.vapo();
            case "ppo", "fixed" -> EstimatorSettings.ppo();
            case "decoupled" -> EstimatorSettings.decoupled();
            case "grpo" -> EstimatorSettings.grpo();
            case "dr-grpo", "drgrpo" -> EstimatorSettings.drGrpo();
            default -> throw new IllegalArgumentException("estimator '" + name
                + "' is not one of vapo, ppo, decoupled, grpo, dr-grpo");
        };
        return new EstimatorSettings(preset.estimator(),
            number(p, "gamma", preset.gamma()),
            number(p, "lambda.critic", preset.lambdaCritic()),
            p.getProperty("lambda.policy") == null ? preset.lambdaPolicy() : number(p, "lambda.policy", Double.NaN),
            number(p, "alpha", preset.alpha()));
    }

    /** Kafka Streams properties: exactly-once, the dead-letter handlers, then the pass-through settings. */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        StreamsDeadLetters.configure(props, STAGE);
        props.putAll(kafka);
        return props;
    }

    private static double number(Properties p, String key, double fallback) {
        String v = p.getProperty(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
    }
}
