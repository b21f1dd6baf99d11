package dev.vapostream.scorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.Await;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.schemas.stage.StreamsStage;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ResponseScore;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.dlq.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The scoring stage as a real Kafka Streams app, exactly once, on the embedded broker and registry. */
@ExtendWith(SharedCluster.class)
class ScorerPipelineIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path stateDir;
    private final List<StreamsStage> apps = new ArrayList<>();

    @AfterEach
    void stopApps() {
        apps.forEach(StreamsStage::close);
    }

    private ScorerConfig config(ClusterEndpoints cluster, String in, String out, String... extra) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster.bootstrapServers());
        p.setProperty("registry.url", cluster.registryBaseUrl());
        p.setProperty("application.id", TestTopics.unique("scorer-it"));
        p.setProperty("input.topic", in);
        p.setProperty("output.topic", out);
        p.setProperty("kafka.state.dir", stateDir.resolve(UUID.randomUUID().toString()).toString());
        for (int i = 0; i < extra.length; i += 2) {
            p.setProperty(extra[i], extra[i + 1]);
        }
        return ScorerConfig.fromProperties(p);
    }

    private void run(ScorerConfig config) {
        ScorerApp.ensureTopics(config);
        StreamsStage app = ScorerApp.open(config);
        apps.add(app);
        app.start();
    }

    private static <V> KafkaProducer<String, V> producer(ClusterEndpoints cluster, Serializer<V> values) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return new KafkaProducer<>(p, new StringSerializer(), values);
    }

    /** Reads {@code count} committed records of {@code topic} from the beginning, waiting up to the deadline. */
    private static <K, V> List<ConsumerRecord<K, V>> read(ClusterEndpoints cluster, String topic, int count,
                                                          Deserializer<K> keys, Deserializer<V> values) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, TestTopics.unique("reader"));
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<K, V>> seen = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p, keys, values)) {
            consumer.subscribe(List.of(topic));
            Await.until(DEADLINE, count + " records on " + topic, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.size() >= count;
            }, () -> "seen " + seen.size());
            // Anything beyond the expected count would be a duplicate or a stray record: look once more.
            consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
        }
        seen.sort(Comparator.comparing(r -> String.valueOf(r.key() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : r.key())));
        return seen;
    }

    @Test
    void scoresGroupsExactlyOnceAndDeadLettersWhatItCannotScore(ClusterEndpoints cluster) throws Exception {
        // Given a running scoring stage with correctness
        String rollouts = TestTopics.unique("vapo.rollouts");
        String scored = TestTopics.unique("vapo.scored");
        ScorerConfig config = config(cluster, rollouts, scored, "stage", "scorer-it");
        run(config);
        SerdeSettings serdes = SerdeSettings.apicurio(cluster.registryBaseUrl());
        // When two good groups, one with a bad ground truth and one undeserializable record arrive
        byte[] junk = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, ResponseGroup> groups = producer(cluster, serdes.valueSerde(ResponseGroup.class).serializer());
             KafkaProducer<String, byte[]> raw = producer(cluster, new ByteArraySerializer())) {
            groups.send(new ProducerRecord<>(rollouts, "a", Groups.group("a", "12", "# 12", "# 13", "twelve"))).get();
            groups.send(new ProducerRecord<>(rollouts, "b-bad", Groups.group("b-bad", "12.5", "# 12"))).get();
            raw.send(new ProducerRecord<>(rollouts, "c-junk", junk)).get();
            groups.send(new ProducerRecord<>(rollouts, "d", Groups.group("d", "-3", "#-3"))).get();
        }
        // Then exactly the good groups are scored, once each
        List<ConsumerRecord<String, ScoredGroup>> out = read(cluster, scored, 2, new StringDeserializer(),
            serdes.valueSerde(ScoredGroup.class).deserializer());
        assertEquals(List.of("a", "d"), out.stream().map(ConsumerRecord::key).toList());
        assertEquals(List.of(1.0, 0.0, 0.0), out.get(0).value().getScores().stream().map(ResponseScore::getReward).toList());
        assertEquals(List.of(false, false, true), out.get(0).value().getScores().stream().map(ResponseScore::getFormatError).toList());
        assertEquals(List.of(1.0), out.get(1).value().getScores().stream().map(ResponseScore::getReward).toList());
        // and the other two are in the DLQ with their original bytes and the reason
        List<ConsumerRecord<byte[], byte[]>> dead = read(cluster, rollouts + ".dlq", 2, new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
        assertEquals(2, dead.size());
        ConsumerRecord<byte[], byte[]> badTruth = dead.get(0);
        assertEquals("b-bad", new String(badTruth.key(), StandardCharsets.UTF_8));
        assertEquals("dev.vapostream.scorer.api.BadGroupException", DeadLetter.header(badTruth.headers(), DeadLetter.ERROR_CLASS));
        assertEquals("scorer-it", DeadLetter.header(badTruth.headers(), DeadLetter.STAGE));
        ConsumerRecord<byte[], byte[]> undeserializable = dead.get(1);
        assertEquals("c-junk", new String(undeserializable.key(), StandardCharsets.UTF_8));
        assertArrayEquals(junk, undeserializable.value());
        assertEquals(rollouts, DeadLetter.header(undeserializable.headers(), DeadLetter.SOURCE_TOPIC));
        assertTrue(DeadLetter.header(undeserializable.headers(), DeadLetter.ERROR_MESSAGE).length() > 0);
    }

    @Test
    void aTwoStageChainAppendsTheSecondStagesComponents(ClusterEndpoints cluster) throws Exception {
        // Given stage 1 (correctness: rollouts -> checked) and stage 2 (overlong: checked -> scored) as separate apps
        String rollouts = TestTopics.unique("vapo.rollouts");
        String checked = TestTopics.unique("vapo.rollouts.checked");
        String scored = TestTopics.unique("vapo.scored");
        run(config(cluster, rollouts, checked, "scorers", "correctness", "stage", "scorer-stage-1"));
        run(config(cluster, checked, scored, "input.type", "scored-group", "scorers", "overlong",
            "scorer.overlong.max-tokens", "100", "scorer.overlong.cache-tokens", "50", "stage", "scorer-stage-2"));
        SerdeSettings serdes = SerdeSettings.apicurio(cluster.registryBaseUrl());
        // When groups with short and long, right and wrong answers are published
        try (KafkaProducer<String, ResponseGroup> groups = producer(cluster, serdes.valueSerde(ResponseGroup.class).serializer())) {
            groups.send(new ProducerRecord<>(rollouts, "p1", Groups.group("p1", "9", Map.of(), List.of(
                Groups.response("# 9", 10), Groups.response("# 9", 75), Groups.response("# 8", 120))))).get();
            groups.send(new ProducerRecord<>(rollouts, "p2", Groups.group("p2", "4", Map.of(), List.of(
                Groups.response("no answer", 100))))).get();
        }
        // Then the final topic holds each group once with both stages' components, in chain order
        List<ConsumerRecord<String, ScoredGroup>> out = read(cluster, scored, 2, new StringDeserializer(),
            serdes.valueSerde(ScoredGroup.class).deserializer());
        assertEquals(List.of("p1", "p2"), out.stream().map(ConsumerRecord::key).toList());
        ScoredGroup p1 = out.get(0).value();
        assertEquals(List.of("correctness", "overlong"), p1.getScorers().stream().map(id -> id.getName()).toList());
        assertEquals(List.of(1.0, 1.0 - 0.5, -1.0), p1.getScores().stream().map(ResponseScore::getReward).toList());
        assertEquals(List.of(true, true, false), p1.getScores().stream().map(ResponseScore::getCorrect).toList());
        for (ResponseScore score : p1.getScores()) {
            assertEquals(List.of("correctness", "overlong"),
                score.getComponents().stream().map(c -> c.getScorer().getName()).toList());
        }
        ScoredGroup p2 = out.get(1).value();
        assertEquals(List.of(-1.0), p2.getScores().stream().map(ResponseScore::getReward).toList());
        assertEquals(List.of(true), p2.getScores().stream().map(ResponseScore::getFormatError).toList());
        assertEquals("true", DeadLetter.header(out.get(0).headers(), ScoringProcessor.JUDGED_HEADER));
    }
}
