package dev.vapostream.advantage.stream;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.RunContract;
import dev.vapostream.schemas.dlq.StreamsDeadLetters;
import dev.vapostream.schemas.settings.CommonSettings;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the advantage stage, validated. Built from properties:
 *
 * <pre>
 * bootstrap.servers   (required)          registry.url (required)
 * application.id      vapo-advantage      state.dir    a temporary folder
 * input.topic         vapo.scored         output.topic vapo.advantages
 * weights.topic       vapo.weights        critic.model critic
 * critic.look.interval.ms  100            at most how often a newer critic is looked for
 * estimator           vapo | ppo | decoupled | grpo | dr-grpo
 * gamma, lambda.critic, lambda.policy, alpha   override the estimator preset
 * kafka.*             any Kafka Streams/client setting, prefix removed, applied last
 * vapo.serde.*        serde settings, see SerdeSettings
 * </pre>
 */
public record AdvantageConfig(String applicationId, String bootstrapServers, SerdeSettings serdes, String inputTopic,
                              String outputTopic, String weightsTopic, String criticModelName,
                              Duration criticLookInterval, EstimatorSettings estimator, boolean overrideRunContract,
                              Path stateDir, boolean createTopics, short topicReplication, Map<String, String> kafka) {

    public static final String STAGE = "advantage-stream";

    public static final Setting<String> BOOTSTRAP_SERVERS = CommonSettings.BOOTSTRAP_SERVERS;
    public static final Setting<String> REGISTRY_URL = CommonSettings.REGISTRY_URL;
    public static final Setting<String> APPLICATION_ID = Setting.text("application.id", "vapo-advantage",
        "Kafka Streams application id: the consumer group and the transactional ids");
    public static final Setting<String> STATE_DIR = Setting.text("state.dir",
        System.getProperty("java.io.tmpdir") + "/vapo-advantage-state", "Kafka Streams state folder");
    public static final Setting<String> INPUT_TOPIC = Setting.text("input.topic", Topics.SCORED.name(),
        "scored groups read");
    public static final Setting<String> OUTPUT_TOPIC = Setting.text("output.topic", Topics.ADVANTAGES.name(),
        "advantage records written");
    public static final Setting<String> WEIGHTS_TOPIC = Setting.text("weights.topic", Topics.WEIGHTS.name(),
        "where the critic's weight versions are read");
    public static final Setting<String> CRITIC_MODEL = Setting.text("critic.model", "critic",
        "the critic's model name on the weights topic");
    public static final Setting<Long> CRITIC_LOOK_INTERVAL_MS = Setting.longInteger("critic.look.interval.ms", 100,
        "at most how often the stage looks for a newer critic version on the weights store, in ms; each look decodes"
            + " the newest version's first chunk (up to 512 KiB); 0 looks before every group");
    public static final Setting<String> ESTIMATOR = Setting.text("estimator", "vapo",
        "vapo | ppo | decoupled | grpo | dr-grpo: the estimator preset");
    public static final Setting<Double> GAMMA = CommonSettings.GAMMA;
    public static final Setting<Double> LAMBDA_CRITIC = CommonSettings.LAMBDA_CRITIC;
    public static final Setting<Double> LAMBDA_POLICY = CommonSettings.LAMBDA_POLICY;
    public static final Setting<Double> ALPHA = CommonSettings.ALPHA;

    public static final Setting<Boolean> TOPICS_CREATE = CommonSettings.TOPICS_CREATE;
    public static final Setting<Integer> TOPICS_REPLICATION = CommonSettings.TOPICS_REPLICATION;

    public static final Setting<Boolean> OVERRIDE_RUN_CONTRACT = Setting.bool("override.run.contract", false,
        "value every group with this stage's estimator settings, even a group whose prompt carries its run's"
            + " (logged at start; each advantage record names the settings it was computed with)");

    /** The estimator's own keys: what a replay or an orchestrator may set without the rest of the stage. */
    public static final SettingsSpec ESTIMATOR_SPEC = SettingsSpec.of("advantage estimator",
        List.of(ESTIMATOR, GAMMA, LAMBDA_CRITIC, LAMBDA_POLICY, ALPHA), List.of());

    /** Every key the advantage stage reads, and the prefixes it passes on. */
    public static final SettingsSpec SPEC = SettingsSpec.of("advantage", List.of(BOOTSTRAP_SERVERS, REGISTRY_URL,
            APPLICATION_ID, STATE_DIR, INPUT_TOPIC, OUTPUT_TOPIC, WEIGHTS_TOPIC, CRITIC_MODEL, CRITIC_LOOK_INTERVAL_MS,
            TOPICS_CREATE, TOPICS_REPLICATION, OVERRIDE_RUN_CONTRACT),
        List.of(ClientSettings.PREFIX, SerdeSettings.PREFIX)).plus(ESTIMATOR_SPEC).plus(CommonSettings.PROCESS_SPEC);

    public AdvantageConfig {
        requireText("application.id", applicationId);
        requireText("bootstrap.servers", bootstrapServers);
        Objects.requireNonNull(serdes, "serdes");
        requireText("input.topic", inputTopic);
        requireText("output.topic", outputTopic);
        requireText("weights.topic", weightsTopic);
        requireText("critic.model", criticModelName);
        if (criticLookInterval.isNegative()) {
            throw new IllegalArgumentException("critic.look.interval.ms is negative: " + criticLookInterval.toMillis());
        }
        Objects.requireNonNull(estimator, "estimator");
        Objects.requireNonNull(stateDir, "state.dir");
        kafka = Map.copyOf(kafka);
        if (inputTopic.equals(outputTopic)) {
            throw new IllegalArgumentException("input.topic and output.topic are both " + inputTopic);
        }
    }

    /** Reads the config; a key the stage does not declare is an error. */
    public static AdvantageConfig fromProperties(Properties p) {
        Settings s = SPEC.read(p);
        return new AdvantageConfig(
            s.get(APPLICATION_ID),
            s.get(BOOTSTRAP_SERVERS),
            SerdeSettings.fromProperties(s.get(REGISTRY_URL), p),
            s.get(INPUT_TOPIC),
            s.get(OUTPUT_TOPIC),
            s.get(WEIGHTS_TOPIC),
            s.get(CRITIC_MODEL),
            Duration.ofMillis(s.get(CRITIC_LOOK_INTERVAL_MS)),
            estimator(s),
            s.get(OVERRIDE_RUN_CONTRACT),
            Path.of(s.get(STATE_DIR)),
            s.get(TOPICS_CREATE),
            s.get(TOPICS_REPLICATION).shortValue(),
            ClientSettings.from(p));
    }

    /** The estimator preset named by {@code estimator}, with any of its numbers overridden; other keys are ignored. */
    public static EstimatorSettings estimatorFrom(Properties p) {
        return estimator(ESTIMATOR_SPEC.read(ESTIMATOR_SPEC.select(p)));
    }

    private static EstimatorSettings estimator(Settings s) {
        return resolve(s.get(ESTIMATOR), s.get(GAMMA), s.get(LAMBDA_CRITIC), s.get(LAMBDA_POLICY), s.get(ALPHA));
    }

    /** The estimator settings a run contract names: its preset with the numbers it sets. */
    public static EstimatorSettings estimatorFrom(RunContract run) {
        return resolve(run.getEstimator(), run.getGamma(), run.getLambdaCritic(), run.getLambdaPolicy(), run.getAlpha());
    }

    private static EstimatorSettings resolve(String estimator, Double gamma, Double lambdaCritic, Double lambdaPolicy,
                                             Double alpha) {
        String name = estimator.toLowerCase(Locale.ROOT);
        EstimatorSettings preset = switch (name) {
            case "vapo" -> EstimatorSettings.vapo();
            case "ppo", "fixed" -> EstimatorSettings.ppo();
            case "decoupled" -> EstimatorSettings.decoupled();
            case "grpo" -> EstimatorSettings.grpo();
            case "dr-grpo", "drgrpo" -> EstimatorSettings.drGrpo();
            default -> throw new IllegalArgumentException("estimator '" + name
                + "' is not one of vapo, ppo, decoupled, grpo, dr-grpo");
        };
        return new EstimatorSettings(preset.estimator(), orDefault(gamma, preset.gamma()),
            orDefault(lambdaCritic, preset.lambdaCritic()), orDefault(lambdaPolicy, preset.lambdaPolicy()),
            orDefault(alpha, preset.alpha()));
    }

    private static double orDefault(Double given, double preset) {
        return given == null ? preset : given;
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

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
    }
}
