package dev.vapostream.generator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.Topics;

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
 */
public record GeneratorConfig(String bootstrapServers, SerdeSettings serdes, String groupId, String workerId,
                              String promptsTopic, String rolloutsTopic, String weightsTopic, String modelName,
                              int groupSize, SamplingSettings sampling, OptionalLong seed, int maxGroupsInFlight,
                              String tokenizerAlphabet, Duration metricsLogInterval, boolean createTopics,
                              short topicReplication, Map<String, String> kafka) {

    public static final String STAGE = "generator";
    public static final String KAFKA_PREFIX = ClientSettings.PREFIX;
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "registry.url";
    public static final String GROUP_ID = "group.id";
    public static final String WORKER_ID = "worker.id";
    public static final String PROMPTS_TOPIC = "prompts.topic";
    public static final String ROLLOUTS_TOPIC = "rollouts.topic";
    public static final String WEIGHTS_TOPIC = "weights.topic";
    public static final String MODEL_NAME = "model.name";
    public static final String GROUP_SIZE = "group.size";
    public static final String MAX_NEW_TOKENS = "max.new.tokens";
    public static final String TEMPERATURE = "temperature";
    public static final String TOP_P = "top.p";
    public static final String SEED = "seed";
    public static final String MAX_GROUPS_IN_FLIGHT = "max.groups.in.flight";
    public static final String TOKENIZER_ALPHABET = "tokenizer.alphabet";
    public static final String METRICS_LOG_INTERVAL_MS = "metrics.log.interval.ms";
    public static final String TOPICS_CREATE = "topics.create";
    public static final String TOPICS_REPLICATION = "topics.replication";

    public static final int DEFAULT_GROUP_SIZE = 16;
    /** The default built-in task's response budget: its longest reference solution, EOS included. */
    public static final int DEFAULT_MAX_NEW_TOKENS = BuiltInTask.DEFAULT.maxResponseTokens();
    public static final int DEFAULT_MAX_GROUPS_IN_FLIGHT = 4;

    private static final Set<String> KEYS = Set.of(BOOTSTRAP_SERVERS, REGISTRY_URL, GROUP_ID, WORKER_ID, PROMPTS_TOPIC,
        ROLLOUTS_TOPIC, WEIGHTS_TOPIC, MODEL_NAME, GROUP_SIZE, MAX_NEW_TOKENS, TEMPERATURE, TOP_P, SEED,
        MAX_GROUPS_IN_FLIGHT, TOKENIZER_ALPHABET, METRICS_LOG_INTERVAL_MS, TOPICS_CREATE, TOPICS_REPLICATION);

    public GeneratorConfig {
        requireText(BOOTSTRAP_SERVERS, bootstrapServers);
        Objects.requireNonNull(serdes, "serdes");
        requireText(GROUP_ID, groupId);
        requireText(WORKER_ID, workerId);
        requireText(PROMPTS_TOPIC, promptsTopic);
        requireText(ROLLOUTS_TOPIC, rolloutsTopic);
        requireText(WEIGHTS_TOPIC, weightsTopic);
        requireText(MODEL_NAME, modelName);
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(seed, SEED);
        Objects.requireNonNull(tokenizerAlphabet, TOKENIZER_ALPHABET);
        Objects.requireNonNull(metricsLogInterval, METRICS_LOG_INTERVAL_MS);
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

    public static GeneratorConfig fromProperties(Properties p) {
        String registry = p.getProperty(REGISTRY_URL);
        if (registry == null || registry.isBlank()) {
            throw new IllegalArgumentException(REGISTRY_URL + " is required (--registry-url http://host:port)");
        }
        Map<String, String> kafka = ClientSettings.from(p);
        SamplingSettings sampling = samplingSettings(p);
        String seed = p.getProperty(SEED, "").trim();
        return new GeneratorConfig(
            p.getProperty(BOOTSTRAP_SERVERS),
            SerdeSettings.fromProperties(registry, p),
            p.getProperty(GROUP_ID, "vapo-generator"),
            p.getProperty(WORKER_ID, "generator-" + UUID.randomUUID().toString().substring(0, 8)),
            p.getProperty(PROMPTS_TOPIC, Topics.PROMPTS.name()),
            p.getProperty(ROLLOUTS_TOPIC, Topics.ROLLOUTS.name()),
            p.getProperty(WEIGHTS_TOPIC, Topics.WEIGHTS.name()),
            p.getProperty(MODEL_NAME, "policy"),
            integer(p, GROUP_SIZE, DEFAULT_GROUP_SIZE),
            sampling,
            seed.isEmpty() ? OptionalLong.empty() : OptionalLong.of(longValue(SEED, seed)),
            integer(p, MAX_GROUPS_IN_FLIGHT, DEFAULT_MAX_GROUPS_IN_FLIGHT),
            p.getProperty(TOKENIZER_ALPHABET, CharTokenizer.BUILT_IN_TASK_ALPHABET),
            Duration.ofMillis(longValue(METRICS_LOG_INTERVAL_MS, p.getProperty(METRICS_LOG_INTERVAL_MS, "30000"))),
            bool(p, TOPICS_CREATE, true),
            (short) integer(p, TOPICS_REPLICATION, 1),
            kafka);
    }

    /** Keys this config does not know (neither its own, nor {@code kafka.*}, nor {@code vapo.serde.*}). */
    public static Set<String> unknownKeys(Properties p) {
        Set<String> unknown = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (!KEYS.contains(key) && !key.startsWith(KAFKA_PREFIX) && !key.startsWith(SerdeSettings.PREFIX)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /** Rows sampled in one batch: groups in flight times the group size. */
    public int batchRows() {
        return maxGroupsInFlight * groupSize;
    }

    public String transactionalId() {
        return "vapo-generator-" + workerId;
    }

    public CharTokenizer tokenizer() {
        return new CharTokenizer(tokenizerAlphabet);
    }

    private static SamplingSettings samplingSettings(Properties p) {
        float temperature = (float) number(p, TEMPERATURE, 1.0);
        float topP = (float) number(p, TOP_P, 1.0);
        int maxNewTokens = integer(p, MAX_NEW_TOKENS, DEFAULT_MAX_NEW_TOKENS);
        try {
            return new SamplingSettings(temperature, topP, maxNewTokens);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sampling settings (" + TEMPERATURE + ", " + TOP_P + ", "
                + MAX_NEW_TOKENS + "): " + e.getMessage(), e);
        }
    }

    private static int integer(Properties p, String key, int fallback) {
        String v = p.getProperty(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private static long longValue(String key, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private static double number(Properties p, String key, double fallback) {
        String v = p.getProperty(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }

    private static boolean bool(Properties p, String key, boolean fallback) {
        String v = p.getProperty(key);
        if (v == null) {
            return fallback;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        };
    }

    private static void requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required");
        }
    }
}
