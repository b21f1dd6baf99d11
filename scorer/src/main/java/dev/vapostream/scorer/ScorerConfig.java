package dev.vapostream.scorer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Collectors;

import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.dlq.StreamsDeadLetters;
import dev.vapostream.schemas.metrics.KafkaMetricsBridge;
import dev.vapostream.schemas.settings.CommonSettings;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;
import dev.vapostream.scorer.api.Scorer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.metrics.JmxReporter;
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

    /** Prefix of settings handed to Kafka Streams unchanged. */
    public static final String KAFKA_PREFIX = ClientSettings.PREFIX;
    /** Prefix of per-scorer settings: {@code scorer.<name>.<key>}. */
    public static final String SCORER_PREFIX = "scorer.";

    public static final String DEFAULT_APPLICATION_ID = "vapo-scorer";
    public static final String DEFAULT_STAGE = "scorer";
    public static final String DEFAULT_SCORERS = "correctness";
    public static final long DEFAULT_GROUP_TIMEOUT_MS = 10_000;

    public static final Setting<String> BOOTSTRAP_SERVERS = CommonSettings.BOOTSTRAP_SERVERS;
    public static final Setting<String> REGISTRY_URL = CommonSettings.REGISTRY_URL;
    public static final Setting<String> APPLICATION_ID = Setting.text("application.id", DEFAULT_APPLICATION_ID,
        "Kafka Streams application id: the consumer group and the transactional ids");
    public static final Setting<String> INPUT_TOPIC = Setting.text("input.topic", Topics.ROLLOUTS.name(), "topic read");
    public static final Setting<String> INPUT_TYPE = Setting.choice("input.type",
        "what input.topic holds: response groups, or scored groups to score again", "response-group", "scored-group");
    public static final Setting<String> OUTPUT_TOPIC = Setting.text("output.topic", Topics.SCORED.name(),
        "topic written (ScoredGroup values)");
    public static final Setting<String> SCORERS = Setting.text("scorers", DEFAULT_SCORERS,
        "the scorer chain, comma-separated, in order; each scorer's own settings are scorer.<name>.<key>");
    public static final Setting<Long> GROUP_TIMEOUT_MS = Setting.longInteger("group.timeout.ms", DEFAULT_GROUP_TIMEOUT_MS,
        "time limit for running the whole chain on one group");
    public static final Setting<String> STAGE = Setting.text("stage", DEFAULT_STAGE, "stage name in dead-letter headers");
    public static final Setting<Boolean> TOPICS_CREATE = CommonSettings.TOPICS_CREATE;
    public static final Setting<Integer> TOPICS_REPLICATION = CommonSettings.TOPICS_REPLICATION;

    /** Every key the scorer reads, and the prefixes it passes on. */
    public static final SettingsSpec SPEC = SettingsSpec.of("scorer", List.of(BOOTSTRAP_SERVERS, REGISTRY_URL,
        APPLICATION_ID, INPUT_TOPIC, INPUT_TYPE, OUTPUT_TOPIC, SCORERS, GROUP_TIMEOUT_MS, STAGE, TOPICS_CREATE,
        TOPICS_REPLICATION), List.of(KAFKA_PREFIX, SerdeSettings.PREFIX, SCORER_PREFIX)).plus(CommonSettings.PROCESS_SPEC);

    public ScorerConfig {
        requireText(applicationId, APPLICATION_ID.key());
        requireText(bootstrapServers, BOOTSTRAP_SERVERS.key());
        Objects.requireNonNull(serde, "serde");
        requireText(inputTopic, INPUT_TOPIC.key());
        Objects.requireNonNull(inputType, INPUT_TYPE.key());
        requireText(outputTopic, OUTPUT_TOPIC.key());
        requireText(stage, STAGE.key());
        if (inputTopic.equals(outputTopic)) {
            throw new IllegalArgumentException(INPUT_TOPIC + " and " + OUTPUT_TOPIC + " are both '" + inputTopic + "'");
        }
        scorers = List.copyOf(scorers);
        if (scorers.isEmpty()) {
            throw new IllegalArgumentException(SCORERS + " must name at least one scorer");
        }
        Objects.requireNonNull(groupTimeout, GROUP_TIMEOUT_MS.key());
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

    /**
     * Reads the config; {@code bootstrap.servers} and {@code registry.url} are required, all else
     * has defaults, and a key the scorer does not declare is an error.
     */
    public static ScorerConfig fromProperties(Properties props, ScorerRegistry registry) {
        Settings s = SPEC.read(props);
        List<String> names = Arrays.stream(s.get(SCORERS).split(","))
            .map(String::trim).filter(name -> !name.isEmpty()).toList();
        return new ScorerConfig(
            s.get(APPLICATION_ID).trim(),
            s.get(BOOTSTRAP_SERVERS).trim(),
            SerdeSettings.fromProperties(s.get(REGISTRY_URL).trim(), props),
            s.get(INPUT_TOPIC).trim(),
            InputType.parse(s.get(INPUT_TYPE)),
            s.get(OUTPUT_TOPIC).trim(),
            registry.chain(names, props),
            Duration.ofMillis(s.get(GROUP_TIMEOUT_MS)),
            s.get(STAGE).trim(),
            s.get(TOPICS_CREATE),
            s.get(TOPICS_REPLICATION).shortValue(),
            ClientSettings.from(props));
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
        // The scorer's own Streams metrics also go to Prometheus (metrics.port). Naming any reporter replaces
        // Kafka's default (JMX), so JMX is named too unless the operator chose the reporters.
        String reporters = (String) props.getOrDefault(StreamsConfig.METRIC_REPORTER_CLASSES_CONFIG,
            JmxReporter.class.getName());
        props.put(StreamsConfig.METRIC_REPORTER_CLASSES_CONFIG, (reporters.isBlank() ? "" : reporters + ",")
            + KafkaMetricsBridge.class.getName());
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
}
