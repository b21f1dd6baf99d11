package dev.vapostream.advantage.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import dev.vapostream.advantage.AdvantageComputer;
import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.schemas.io.AvroFiles;
import dev.vapostream.schemas.io.BoundedTopicReader;
import dev.vapostream.advantage.replay.ReplayOptions;
import dev.vapostream.advantage.replay.Replayer;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageEstimator;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.packed.ResponseArrays;
import dev.vapostream.schemas.dlq.DeadLetter;
import org.apache.kafka.clients.admin.Admin;
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
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedCluster.class)
class AdvantageStreamIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final java.util.Set<String> CLAIMED = new java.util.HashSet<>();

    @Test
    void aNewCriticVersionChangesLaterGroupsAndReplayWithAnotherAlphaGivesADifferentCorrectStream(
        ClusterEndpoints cluster, @TempDir Path dir) throws Exception {
        // Given the advantage stage running on its own topics, with critic v1 published
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String scored = "adv-it.scored-" + suffix;
        String advantages = "adv-it.advantages-" + suffix;
        String weights = "adv-it.weights-" + suffix;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(Topics.SCORED.withName(scored), Topics.ADVANTAGES.withName(advantages),
                Topics.WEIGHTS.withName(weights)), (short) 1);
        }
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster.bootstrapServers());
        p.setProperty("registry.url", cluster.registryBaseUrl());
        p.setProperty("application.id", "adv-it-" + suffix);
        p.setProperty("input.topic", scored);
        p.setProperty("output.topic", advantages);
        p.setProperty("weights.topic", weights);
        p.setProperty("state.dir", dir.resolve("state").toString());
        AdvantageConfig config = AdvantageConfig.fromProperties(p);
        SerdeSettings serdes = config.serdes();
        byte[] v1 = Fixtures.criticWeights(101);
        byte[] v2 = Fixtures.criticWeights(202);
        publish(cluster, weights, Fixtures.criticChunks(1, v1), Topics.WEIGHTS.valueSerde(serdes).serializer());
        ScoredGroup template = Fixtures.group("g", new int[] {8, 40, 70}, 2);
        List<float[]> v1Values;
        List<float[]> v2Values;
        try (DjlCritic c1 = DjlCritic.fromWeights(v1); DjlCritic c2 = DjlCritic.fromWeights(v2)) {
            v1Values = c1.values(Fixtures.PROMPT, Fixtures.tokensOf(template));
            v2Values = c2.values(Fixtures.PROMPT, Fixtures.tokensOf(template));
        }

        List<AdvantageGroup> seen = new ArrayList<>();
        try (CriticFollower follower = new CriticFollower("critic", DjlCritic::fromWeights);
             KafkaStreams streams = new KafkaStreams(AdvantageTopology.build(config, follower), config.streamsProperties());
             KafkaConsumer<String, AdvantageGroup> out = consumer(cluster, advantages,
                 Topics.ADVANTAGES.valueSerde(serdes).deserializer())) {
            streams.start();
            Serializer<ScoredGroup> scoredSerializer = Topics.SCORED.valueSerde(serdes).serializer();

            // When a group is scored with v1
            publish(cluster, scored, List.of(withId(template, "first")), scoredSerializer);
            AdvantageGroup first = awaitGroup(out, seen, g -> g.getPromptId().equals("first"));

            // Then its values are v1's
            assertEquals(1L, first.getCriticVersion());
            assertValues(v1Values, first);

            // When critic v2 is published and more groups arrive
            publish(cluster, weights, Fixtures.criticChunks(2, v2), Topics.WEIGHTS.valueSerde(serdes).serializer());
            AdvantageGroup later = null;
            for (int i = 0; later == null; i++) {
                publish(cluster, scored, List.of(withId(template, "later-" + i)), scoredSerializer);
                AdvantageGroup g = awaitGroup(out, seen, x -> x.getPromptId().startsWith("later-"));
                if (g.getCriticVersion() == 2L) {
                    later = g;
                }
                assertTrue(i < 200, "critic v2 never used");
            }

            // Then a later group is valued by v2, which differs from v1
            assertValues(v2Values, later);
            assertFalse(Arrays.equals(v1Values.get(2), v2Values.get(2)));

            // And a poisoned record reaches the dead-letter topic of the real broker
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(producerProps(cluster), new ByteArraySerializer(),
                new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(scored, "poison".getBytes(StandardCharsets.UTF_8),
                    "not avro".getBytes(StandardCharsets.UTF_8))).get();
            }
            try (KafkaConsumer<String, byte[]> dlq = consumer(cluster, scored + ".dlq", new ByteArrayDeserializer())) {
                ConsumerRecord<String, byte[]> dead = awaitOne(dlq);
                assertEquals("poison", dead.key());
                assertEquals(AdvantageConfig.STAGE, DeadLetter.header(dead.headers(), DeadLetter.STAGE));
            }

            // And a tombstone lands in the scored log too, as a broken producer could write one
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(producerProps(cluster), new ByteArraySerializer(),
                new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(scored, "tombstone".getBytes(StandardCharsets.UTF_8), null)).get();
            }
        }

        // When the recorded advantages are replayed with α = 0.5 (fast path, no model) into a new topic
        String replayTopic = TestTopics.unique("adv-it.replayed");
        EstimatorSettings alphaHalf = new EstimatorSettings(AdvantageEstimator.VAPO, 1.0, 1.0, Double.NaN, 0.5);
        Replayer.Report fast = Replayer.run(new ReplayOptions(cluster.bootstrapServers(), serdes, Map.of(), true,
            advantages, null, BoundedTopicReader.Start.beginning(), null, alphaHalf, null, replayTopic, null, null,
            weights, "critic"));

        // Then every recorded group comes out with VAPO(α=0.5) advantages computed from its stored values
        assertEquals(seen.size(), fast.groups());
        assertEquals(0, fast.invalid());
        List<AdvantageGroup> replayed = readAll(cluster, replayTopic, seen.size(), Topics.ADVANTAGES.valueSerde(serdes).deserializer());
        assertEquals(seen.size(), replayed.size());
        for (AdvantageGroup g : replayed) {
            AdvantageGroup original = seen.stream().filter(s -> s.getPromptId().equals(g.getPromptId())).findFirst().orElseThrow();
            List<float[]> storedValues = original.getResponses().stream().map(r -> ResponseArrays.of(r).values()).toList();
            List<ResponseSignals> expected = AdvantageComputer.compute(alphaHalf, new double[] {1, 1, 0},
                new int[] {8, 40, 70}, storedValues);
            assertEquals(0.5, g.getSettings().getAlpha());
            for (int i = 0; i < 3; i++) {
                float[] replayedAdvantages = ResponseArrays.of(g.getResponses().get(i)).advantages();
                assertArrayEquals(expected.get(i).advantages(), replayedAdvantages, 1e-6f);
                if (i > 0) {
                    // 40 and 70 tokens: λ moves from 0.5 and 0.714 (α = 0.05) to 0.95 and 0.971 (α = 0.5)
                    assertFalse(Arrays.equals(ResponseArrays.of(original.getResponses().get(i)).advantages(),
                        replayedAdvantages), "response " + i + " of " + g.getPromptId() + " unchanged");
                }
            }
        }
        assertTrue(fast.table().contains("recorded") && fast.table().contains("VAPO alpha=0.5"), fast.table());

        // And the scored log replays with the v2 critic from a file into an Avro file, same α, same answer
        Path criticFile = Files.write(dir.resolve("critic-v2.bin"), v2);
        Path out = dir.resolve("replayed.avro");
        Replayer.Report slow = Replayer.run(new ReplayOptions(cluster.bootstrapServers(), serdes, Map.of(), false,
            scored, null, BoundedTopicReader.Start.beginning(), null, alphaHalf, null, null, out, criticFile,
            weights, "critic"));
        assertEquals(seen.size(), slow.groups());
        assertEquals(2, slow.invalid(), "the poisoned record and the tombstone are reported, not replayed");
        assertTrue(slow.problems().stream().anyMatch(m -> m.startsWith("tombstone (no value) at " + scored)),
            slow.problems().toString());
        List<AdvantageGroup> fromFile = new ArrayList<>();
        AvroFiles.read(out, AdvantageGroup.class, fromFile::add);
        List<ResponseSignals> expectedV2 = AdvantageComputer.compute(alphaHalf, new double[] {1, 1, 0}, new int[] {8, 40, 70}, v2Values);
        for (AdvantageGroup g : fromFile) {
            assertArrayEquals(expectedV2.get(2).advantages(), ResponseArrays.of(g.getResponses().get(2)).advantages(), 1e-6f);
        }
    }

    private static ScoredGroup withId(ScoredGroup template, String id) {
        ScoredGroup copy = ScoredGroup.newBuilder(template).build();
        copy.getRollout().setPromptId(id);
        return copy;
    }

    private static void assertValues(List<float[]> expected, AdvantageGroup group) {
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), ResponseArrays.of(group.getResponses().get(i)).values(), 1e-6f);
        }
    }

    private static <V> void publish(ClusterEndpoints cluster, String topic, List<V> values, Serializer<V> serializer)
        throws Exception {
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps(cluster), new StringSerializer(), serializer)) {
            for (V v : values) {
                String key = v instanceof WeightChunk c ? c.getModelName() + "/" + c.getChunkIndex()
                    : ((ScoredGroup) v).getRollout().getPromptId();
                producer.send(new ProducerRecord<>(topic, key, v)).get();
            }
        }
    }

    private static Properties producerProps(ClusterEndpoints cluster) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return p;
    }

    private static <V> KafkaConsumer<String, V> consumer(ClusterEndpoints cluster, String topic, Deserializer<V> values) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, new StringDeserializer(), values);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Polls until a group matching {@code wanted} that no earlier call returned has arrived. */
    private static AdvantageGroup awaitGroup(KafkaConsumer<String, AdvantageGroup> out, List<AdvantageGroup> seen,
                                             java.util.function.Predicate<AdvantageGroup> wanted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, AdvantageGroup> r : out.poll(Duration.ofMillis(200))) {
                seen.add(r.value());
            }
            for (AdvantageGroup g : seen) {
                if (wanted.test(g) && CLAIMED.add(g.getPromptId())) {
                    return g;
                }
            }
        }
        throw new AssertionError("no matching advantage group within " + TIMEOUT + "; seen " + seen.size());
    }

    private static <V> ConsumerRecord<String, V> awaitOne(KafkaConsumer<String, V> consumer) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                return r;
            }
        }
        throw new AssertionError("nothing arrived within " + TIMEOUT);
    }

    private static List<AdvantageGroup> readAll(ClusterEndpoints cluster, String topic, int count,
                                                Deserializer<AdvantageGroup> values) {
        List<AdvantageGroup> all = new ArrayList<>();
        try (KafkaConsumer<String, AdvantageGroup> consumer = consumer(cluster, topic, values)) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (all.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> all.add(r.value()));
            }
        }
        return all;
    }
}
