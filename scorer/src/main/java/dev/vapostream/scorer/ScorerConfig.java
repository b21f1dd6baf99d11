package dev.vapostream.scorer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.dlq.StreamsDeadLetters;
import dev.vapostream.scorer.api.Scorer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the scoring stage needs, validated. Built from properties with
 * {@link #fromProperties}; see {@code docs/scorers.md} for the keys.
 *
 * @param applicationId     Kafka Streams application id (consumer group, transactional ids)
 * @param bootstrapServers  Kafka bootstrap servers
 * @param serde             value serde settings (registry URL, serde classes, {@code vapo.serde.*})
 * @param inputTopic        topic read
 * @param inputType         what {@code inputTopic} holds
 * @param outputTopic       topic written (ScoredGroup values)
 * @param scorers           the configured scorer chain, in order
 * @param groupTimeout      time limit for running the whole chain on one group
 * @param stage             stage name in dead-letter headers (default {@code scorer})
 * @param createTopics      whether {@code ScorerApp} creates missing topics at start
 * @param topicReplication  replication factor of topics the app creates
 * @param kafka             Kafka Streams / client settings passed through untouched ({@code kafka.} removed)
 */
public record ScorerConfig(String applicationId, String bootstrapServers, SerdeSettings serde, String inputTopic,
                           InputType inputType, String outputTopic, List<Scorer> scorers, Duration groupTimeout,
                           String stage, boolean createTopics, short topicReplication, Map<String, String> kafka) {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String REGISTRY_URL = "registry.url";
    public static final String APPLICATION_ID = "application.id";
    public static final String INPUT_TOPIC = "input.topic";
    public static final String INPUT_TYPE = "input.type";
    public static final String OUTPUT_TOPIC = "output.topic";
    public static final String SCORERS = "scorers";
    public static final String GROUP_TIMEOUT_MS = "group.timeout.ms";
    public static final String STAGE = "stage";
    public static final String TOPICS_CREATE = "topics.create";
    public static final String TOPICS_REPLICATION = "topics.replication";
    /** Prefix of settings handed to Kafka Streams unchanged. */
    public static final String KAFKA_PREFIX = ClientSettings.PREFIX;
    /** Prefix of per-scorer settings: {@code scorer.<name>.<key>}. */
    public static final String SCORER_PREFIX = "scorer.";

    public static final String DEFAULT_APPLICATION_ID = "vapo-scorer";
    public static final String DEFAULT_STAGE = "scorer";
    public static final String DEFAULT_SCORERS = "correctness";
    public static final long DEFAULT_GROUP_TIMEOUT_MS = 10_000;

    private static final Set<String> KEYS = Set.of(BOOTSTRAP_SERVERS, REGISTRY_URL, APPLICATION_ID, INPUT_TOPIC, INPUT_TYPE,
        OUTPUT_TOPIC, SCORERS, GROUP_TIMEOUT_MS, STAGE, TOPICS_CREATE, TOPICS_REPLICATION);

    public ScorerConfig {
        requireText(applicationId, APPLICATION_ID);
        requireText(bootstrapServers, BOOTSTRAP_SERVERS);
        Objects.requireNonNull(serde, "serde");
        requireText(inputTopic, INPUT_TOPIC);
        Objects.requireNonNull(inputType, INPUT_TYPE);
        requireText(outputTopic, OUTPUT_TOPIC);
        requireText(stage, STAGE);
        if (inputTopic.equals(outputTopic)) {
            throw new IllegalArgumentException(INPUT_TOPIC + " and " + OUTPUT_TOPIC + " are both '" + inputTopic + "'");
        }
        scorers = List.copyOf(scorers);
        if (scorers.isEmpty()) {
            throw new IllegalArgumentException(SCORERS + " must name at least one scorer");
        }
        Objects.requireNonNull(groupTimeout, GROUP_TIMEOUT_MS);
        if (groupTimeout.isNegative() || groupTimeout.isZero()) {
            throw new IllegalArgumentException(GROUP_TIMEOUT_MS + " must be positive, got " + groupTimeout.toMillis());
        }
        if (topicReplication < 1) {
            throw new IllegalArgumentException(TOPICS_REPLICATION + " must be at least 1, got " + topicReplication);
        }
        kafka = Map.copyOf(kafka);
    }

    /** Reads the config with the scorers found on the context class loader. */
    public static ScorerConfig fromProperties(Properties props) {
        return fromProperties(props, ScorerRegistry.load());
    }

    /** Reads the config; {@code bootstrap.servers} and {@code registry.url} are required, all else has defaults. */
    public static ScorerConfig fromProperties(Properties props, ScorerRegistry registry) {
        String bootstrap = required(props, BOOTSTRAP_SERVERS, "the Kafka cluster to read from and write to, e.g. 127.0.0.1:9092");
        String registryUrl = required(props, REGISTRY_URL, "the schema registry, e.g. http://127.0.0.1:8080");
        String applicationId = get(props, APPLICATION_ID, DEFAULT_APPLICATION_ID);
        List<String> names = Arrays.stream(get(props, SCORERS, DEFAULT_SCORERS).split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).toList();
        Map<String, String> kafka = ClientSettings.from(props);
        return new ScorerConfig(
            applicationId,
            bootstrap,
            SerdeSettings.fromProperties(registryUrl, props),
            get(props, INPUT_TOPIC, Topics.ROLLOUTS.name()),
            InputType.parse(get(props, INPUT_TYPE, InputType.RESPONSE_GROUP.configValue())),
            get(props, OUTPUT_TOPIC, Topics.SCORED.name()),
            registry.chain(names, props),
            Duration.ofMillis(parseLong(props, GROUP_TIMEOUT_MS, DEFAULT_GROUP_TIMEOUT_MS)),
            get(props, STAGE, DEFAULT_STAGE),
            parseBoolean(props, TOPICS_CREATE, true),
            (short) parseLong(props, TOPICS_REPLICATION, 1),
            kafka);
    }

    /** Keys in {@code props} this stage does not know (likely typos); the app warns about them. */
    public static Set<String> unknownKeys(Properties props) {
        return props.stringPropertyNames().stream()
            .filter(k -> !KEYS.contains(k) && !k.startsWith(KAFKA_PREFIX) && !k.startsWith(SCORER_PREFIX)
                && !k.startsWith(SerdeSettings.PREFIX))
            .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The Kafka Streams settings: exactly-once v2, dead-letter handlers, then {@code kafka.*} as given. */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // A group may block the stream thread for up to group.timeout.ms inside an open transaction:
        // keep the transaction timeout well above it (Streams' own default is 10 s under EOS).
        long transactionTimeoutMs = Math.max(60_000L, 3 * groupTimeout.toMillis() + 10_000L);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), (int) Math.min(Integer.MAX_VALUE, transactionTimeoutMs));
        StreamsDeadLetters.configure(props, stage);
        // No global stores here; opting in now silences the 4.x warning and matches the 5.0 default.
        props.put("processing.exception.handler.global.enabled", "true");
        props.putAll(kafka);
        return props;
    }

    /** The input topic's descriptor (value type per {@link #inputType}). */
    public TopicDescriptor<?> inputDescriptor() {
        return inputType == InputType.RESPONSE_GROUP ? Topics.ROLLOUTS.withName(inputTopic) : Topics.SCORED.withName(inputTopic);
    }

    /** The output topic's descriptor: ScoredGroup values with the settings of vapo.scored. */
    public TopicDescriptor<dev.vapostream.schemas.avro.ScoredGroup> outputDescriptor() {
        return Topics.SCORED.withName(outputTopic);
    }

    /** The chain as {@code name@version} list, for logs. */
    public String describeScorers() {
        return scorers.stream().map(s -> s.name() + "@" + s.version()).collect(Collectors.joining(", "));
    }

    private static void requireText(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
    }

    private static String required(Properties props, String key, String what) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing required setting " + key + ": " + what);
        }
        return value.trim();
    }

    private static String get(Properties props, String key, String defaultValue) {
        String value = props.getProperty(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static long parseLong(Properties props, String key, long defaultValue) {
        String value = get(props, key, null);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'", e);
        }
    }

    private static boolean parseBoolean(Properties props, String key, boolean defaultValue) {
        String value = get(props, key, null);
        if (value == null) {
            return defaultValue;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }
}
