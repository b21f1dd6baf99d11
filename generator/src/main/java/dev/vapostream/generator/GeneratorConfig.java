package dev.vapostream.generator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.List;
import java.util.UUID;

import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.settings.CommonSettings;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;

/**
 * Everything a generator worker needs, validated once. Built from properties with
 * {@link #fromProperties}:
 *
 * <pre>
 * bootstrap.servers      (required)            registry.url        (required)
 * group.id               vapo-generator        worker.id           generator-&lt;random&gt;
 * prompts.topic          vapo.prompts          rollouts.topic      vapo.rollouts
 * weights.topic          vapo.weights          model.name          policy
 * group.size             16                    max.new.tokens      the default task's longest reference response
 * temperature            1.0                   top.p               1.0
 * seed                   (none: random)        max.groups.in.flight 4
 * tokenizer.alphabet     the built-in task's   metrics.log.interval.ms 30000
 * topics.create          true                  topics.replication  1
 * kafka.*                any Kafka client setting, prefix removed, applied last
 * vapo.serde.*           serde settings, see SerdeSettings
 * </pre>
 *
 * @param bootstrapServers   Kafka bootstrap servers
 * @param serdes             value serde settings
 * @param groupId            consumer group shared by all workers of one pipeline
 * @param workerId           this worker's id: in every group it writes and in its transactional id, so
 *                           a restarted worker with the same id fences its dead predecessor
 * @param promptsTopic       topic read (Prompt values)
 * @param rolloutsTopic      topic written (ResponseGroup values)
 * @param weightsTopic       topic followed for policy versions
 * @param modelName          the policy's model name on the weights topic
 * @param groupSize          G: responses sampled per prompt
 * @param sampling           temperature, top-p and length limit of every response
 * @param seed               fixed sampler seed, or empty for a random one per batch
 * @param maxGroupsInFlight  prompts sampled together in one batch and committed in one transaction
 * @param tokenizerAlphabet  the character tokenizer's alphabet; must match the policy's vocabulary
 * @param metricsLogInterval how often the worker logs its rates
 * @param createTopics       whether {@link GeneratorApp} creates missing topics at start
 * @param topicReplication   replication factor of topics the app creates
 * @param kafka              Kafka client settings passed through untouched ({@code kafka.} removed)
 * @param overrideRunContract whether {@code groupSize} wins over a prompt's run contract
 */
public record GeneratorConfig(String bootstrapServers, SerdeSettings serdes, String groupId, String workerId,
                              String promptsTopic, String rolloutsTopic, String weightsTopic, String modelName,
                              int groupSize, SamplingSettings sampling, OptionalLong seed, int maxGroupsInFlight,
                              String tokenizerAlphabet, Duration metricsLogInterval, boolean createTopics,
                              short topicReplication, Map<String, String> kafka, boolean overrideRunContract) {

    public static final String STAGE = "generator";
    public static final String KAFKA_PREFIX = ClientSettings.PREFIX;

    public static final int DEFAULT_GROUP_SIZE = 16;
    /** The default built-in task's response budget: its longest reference solution, EOS included. */
    public static final int DEFAULT_MAX_NEW_TOKENS = BuiltInTask.DEFAULT.maxResponseTokens();
    public static final int DEFAULT_MAX_GROUPS_IN_FLIGHT = 4;

    public static final Setting<String> BOOTSTRAP_SERVERS = CommonSettings.BOOTSTRAP_SERVERS;
    public static final Setting<String> REGISTRY_URL = CommonSettings.REGISTRY_URL;
    public static final Setting<String> GROUP_ID = Setting.text("group.id", "vapo-generator",
        "consumer group shared by all workers of one pipeline");
    public static final Setting<String> WORKER_ID = Setting.optionalText("worker.id",
        "this worker's id, in its groups and its transactional id (a restart with the same id fences the old one);"
            + " default generator-<random>");
    public static final Setting<String> PROMPTS_TOPIC = Setting.text("prompts.topic", Topics.PROMPTS.name(), "prompts read");
    public static final Setting<String> ROLLOUTS_TOPIC = Setting.text("rollouts.topic", Topics.ROLLOUTS.name(),
        "response groups written");
    public static final Setting<String> WEIGHTS_TOPIC = Setting.text("weights.topic", Topics.WEIGHTS.name(),
        "where policy versions are read");
    public static final Setting<String> MODEL_NAME = Setting.text("model.name", "policy",
        "the policy's model name on the weights topic");
    public static final Setting<Integer> GROUP_SIZE = Setting.integer("group.size", DEFAULT_GROUP_SIZE,
        "G: responses sampled per prompt");
    public static final Setting<Integer> MAX_NEW_TOKENS = Setting.integer("max.new.tokens", DEFAULT_MAX_NEW_TOKENS,
        "length limit of a response, EOS included");
    public static final Setting<Double> TEMPERATURE = Setting.number("temperature", 1.0, "sampling temperature");
    public static final Setting<Double> TOP_P = Setting.number("top.p", 1.0, "nucleus sampling mass");
    public static final Setting<Long> SEED = Setting.optionalLong("seed", "fixed sampler seed; default random per batch");
    public static final Setting<Integer> MAX_GROUPS_IN_FLIGHT = Setting.integer("max.groups.in.flight",
        DEFAULT_MAX_GROUPS_IN_FLIGHT, "prompts sampled together in one batch and committed in one transaction");
    public static final Setting<String> TOKENIZER_ALPHABET = Setting.text("tokenizer.alphabet",
        CharTokenizer.BUILT_IN_TASK_ALPHABET, "the character tokenizer's alphabet; must match the policy's vocabulary");
    public static final Setting<Long> METRICS_LOG_INTERVAL_MS = Setting.longInteger("metrics.log.interval.ms", 30_000,
        "how often the worker logs its rates");
    public static final Setting<Boolean> TOPICS_CREATE = CommonSettings.TOPICS_CREATE;
    public static final Setting<Integer> TOPICS_REPLICATION = CommonSettings.TOPICS_REPLICATION;

    public static final Setting<Boolean> OVERRIDE_RUN_CONTRACT = Setting.bool("override.run.contract", false,
        "sample group.size responses for every prompt, even one whose run contract says otherwise (logged at start;"
            + " each group holds its responses beside the contract it came with)");

    /** Every key a generator worker reads, and the prefixes it passes on. */
    public static final SettingsSpec SPEC = SettingsSpec.of("generator", List.of(BOOTSTRAP_SERVERS, REGISTRY_URL,
            GROUP_ID, WORKER_ID, PROMPTS_TOPIC, ROLLOUTS_TOPIC, WEIGHTS_TOPIC, MODEL_NAME, GROUP_SIZE, MAX_NEW_TOKENS,
            TEMPERATURE, TOP_P, SEED, MAX_GROUPS_IN_FLIGHT, TOKENIZER_ALPHABET, METRICS_LOG_INTERVAL_MS, TOPICS_CREATE,
            TOPICS_REPLICATION, OVERRIDE_RUN_CONTRACT),
        List.of(KAFKA_PREFIX, SerdeSettings.PREFIX)).plus(CommonSettings.PROCESS_SPEC);

    public GeneratorConfig {
        requireText(BOOTSTRAP_SERVERS.key(), bootstrapServers);
        Objects.requireNonNull(serdes, "serdes");
        requireText(GROUP_ID.key(), groupId);
        requireText(WORKER_ID.key(), workerId);
        requireText(PROMPTS_TOPIC.key(), promptsTopic);
        requireText(ROLLOUTS_TOPIC.key(), rolloutsTopic);
        requireText(WEIGHTS_TOPIC.key(), weightsTopic);
        requireText(MODEL_NAME.key(), modelName);
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(seed, SEED.key());
        Objects.requireNonNull(tokenizerAlphabet, TOKENIZER_ALPHABET.key());
        Objects.requireNonNull(metricsLogInterval, METRICS_LOG_INTERVAL_MS.key());
        if (groupSize < 1) {
            throw new IllegalArgumentException(GROUP_SIZE + " must be at least 1, got " + groupSize);
        }
        if (maxGroupsInFlight < 1) {
            throw new IllegalArgumentException(MAX_GROUPS_IN_FLIGHT + " must be at least 1, got " + maxGroupsInFlight);
        }
        if (topicReplication < 1) {
            throw new IllegalArgumentException(TOPICS_REPLICATION + " must be at least 1, got " + topicReplication);
        }
        if (metricsLogInterval.isNegative() || metricsLogInterval.isZero()) {
            throw new IllegalArgumentException(METRICS_LOG_INTERVAL_MS + " must be positive, got " + metricsLogInterval.toMillis());
        }
        if (new java.util.HashSet<>(java.util.List.of(promptsTopic, rolloutsTopic, weightsTopic)).size() != 3) {
            throw new IllegalArgumentException("prompts, rollouts and weights topics must differ: "
                + promptsTopic + ", " + rolloutsTopic + ", " + weightsTopic);
        }
        // Fails early on a repeated or non-ASCII character rather than at the first prompt.
        new CharTokenizer(tokenizerAlphabet);
        kafka = Map.copyOf(kafka);
    }

    /** Reads the config; a key the worker does not declare is an error. */
    public static GeneratorConfig fromProperties(Properties p) {
        Settings s = SPEC.read(p);
        String workerId = s.get(WORKER_ID);
        Long seed = s.get(SEED);
        return new GeneratorConfig(
            s.get(BOOTSTRAP_SERVERS),
            SerdeSettings.fromProperties(s.get(REGISTRY_URL), p),
            s.get(GROUP_ID),
            workerId == null ? "generator-" + UUID.randomUUID().toString().substring(0, 8) : workerId,
            s.get(PROMPTS_TOPIC),
            s.get(ROLLOUTS_TOPIC),
            s.get(WEIGHTS_TOPIC),
            s.get(MODEL_NAME),
            s.get(GROUP_SIZE),
            samplingSettings(s),
            seed == null ? OptionalLong.empty() : OptionalLong.of(seed),
            s.get(MAX_GROUPS_IN_FLIGHT),
            s.get(TOKENIZER_ALPHABET),
            Duration.ofMillis(s.get(METRICS_LOG_INTERVAL_MS)),
            s.get(TOPICS_CREATE),
            s.get(TOPICS_REPLICATION).shortValue(),
            ClientSettings.from(p),
            s.get(OVERRIDE_RUN_CONTRACT));
    }

    /** Rows sampled in one batch of prompts without a run contract: groups in flight times the group size. */
    public int batchRows() {
        return maxGroupsInFlight * groupSize;
    }

    /** G for {@code prompt}: its run contract's, or this worker's own without one or with {@code override.run.contract}. */
    public int groupSizeFor(dev.vapostream.schemas.avro.Prompt prompt) {
        return prompt.getRun() == null || overrideRunContract ? groupSize : prompt.getRun().getGroupSize();
    }

    public String transactionalId() {
        return "vapo-generator-" + workerId;
    }

    public CharTokenizer tokenizer() {
        return new CharTokenizer(tokenizerAlphabet);
    }

    private static SamplingSettings samplingSettings(Settings s) {
        try {
            return new SamplingSettings(s.get(TEMPERATURE).floatValue(), s.get(TOP_P).floatValue(), s.get(MAX_NEW_TOKENS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sampling settings (" + TEMPERATURE + ", " + TOP_P + ", "
                + MAX_NEW_TOKENS + "): " + e.getMessage(), e);
        }
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
    }
}
