package dev.vapostream.schemas.dlq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.Await;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.WeightChunk;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedCluster.class)
class DeadLetterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void poisonedRecordsReachTheDlqWithTheirBytesAndReasonsWhileGoodOnesFlow(ClusterEndpoints cluster,
                                                                             @TempDir Path stateDir) throws Exception {
        // Given an exactly-once Streams app copying prompts, failing on prompts whose text is "boom"
        String stage = "dlq-it-" + UUID.randomUUID();
        TopicDescriptor<Prompt> input = Topics.PROMPTS.withName(TestTopics.unique("dlq.in"));
        TopicDescriptor<Prompt> output = Topics.PROMPTS.withName(TestTopics.unique("dlq.out"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(input, output), (short) 1);
        }
        SerdeSettings serdes = SerdeSettings.apicurio(cluster.registryBaseUrl());
        Serde<Prompt> promptSerde = input.valueSerde(serdes);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input.name(), Consumed.with(input.keySerde(), promptSerde).withName("read-prompts"))
            .mapValues(p -> {
                if (p.getText().equals("boom")) {
                    throw new IllegalArgumentException("prompt text 'boom' cannot be processed");
                }
                return p;
            }, Named.as("copy-prompt"))
            .to(output.name(), Produced.with(output.keySerde(), promptSerde).withName("write-prompts"));
        try (KafkaStreams streams = new KafkaStreams(builder.build(), exactlyOnceWithDeadLetters(cluster, stage, stateDir))) {
            streams.start();

            // When garbage bytes, a prompt that makes processing throw, and a good prompt arrive
            byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
            byte[] boom = promptSerde.serializer().serialize(input.name(), prompt("p-boom", "boom"));
            byte[] good = promptSerde.serializer().serialize(input.name(), prompt("p-good", "S 1 2 ?"));
            RecordHeaders headers = new RecordHeaders();
            headers.add("origin", "test".getBytes(StandardCharsets.UTF_8));
            try (KafkaProducer<byte[], byte[]> producer = rawProducer(cluster)) {
                producer.send(new ProducerRecord<>(input.name(), 0, bytes("p-garbage"), garbage, headers)).get();
                producer.send(new ProducerRecord<>(input.name(), 0, bytes("p-boom"), boom)).get();
                producer.send(new ProducerRecord<>(input.name(), 0, bytes("p-good"), good)).get();
            }

            // Then both poisoned records land in the DLQ with their original bytes and the reason
            List<ConsumerRecord<String, byte[]>> dead = readCommitted(cluster, input.deadLetterTopic(), 2);
            assertEquals(2, dead.size(), "dead letters");
            ConsumerRecord<String, byte[]> undeserializable = dead.get(0);
            assertEquals("p-garbage", undeserializable.key());
            assertArrayEquals(garbage, undeserializable.value());
            assertEquals("test", DeadLetter.header(undeserializable.headers(), "origin"));
            assertEquals(stage, DeadLetter.header(undeserializable.headers(), DeadLetter.STAGE));
            assertEquals(input.name(), DeadLetter.header(undeserializable.headers(), DeadLetter.SOURCE_TOPIC));
            assertEquals("0", DeadLetter.header(undeserializable.headers(), DeadLetter.SOURCE_PARTITION));
            assertEquals("0", DeadLetter.header(undeserializable.headers(), DeadLetter.SOURCE_OFFSET));
            assertTrue(DeadLetter.header(undeserializable.headers(), DeadLetter.ERROR_MESSAGE)
                .contains("not in the registry wire format"), DeadLetter.header(undeserializable.headers(), DeadLetter.ERROR_MESSAGE));

            ConsumerRecord<String, byte[]> failed = dead.get(1);
            assertEquals("p-boom", failed.key());
            assertArrayEquals(boom, failed.value());
            assertEquals(IllegalArgumentException.class.getName(), DeadLetter.header(failed.headers(), DeadLetter.ERROR_CLASS));
            assertTrue(DeadLetter.header(failed.headers(), DeadLetter.ERROR_MESSAGE).contains("'boom' cannot be processed"));
            assertEquals("1", DeadLetter.header(failed.headers(), DeadLetter.SOURCE_OFFSET));

            // And the good record still went through, and the stage counted two dead letters
            List<ConsumerRecord<String, byte[]>> out = readCommitted(cluster, output.name(), 1);
            assertEquals(List.of("p-good"), out.stream().map(ConsumerRecord::key).toList());
            Await.until(TIMEOUT, "dead-letter metric", () -> DeadLetterMetrics.count(stage, input.name()) == 2,
                () -> "count " + DeadLetterMetrics.count(stage, input.name()));
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
        }
    }

    @Test
    void recordsFramedWithAnUnknownOrAnotherTopicsSchemaIdAreDeadLetteredWithAReasonThatSaysSo(ClusterEndpoints cluster,
                                                                                              @TempDir Path stateDir)
        throws Exception {
        // Given an exactly-once Streams app copying prompts
        String stage = "dlq-ids-" + UUID.randomUUID();
        TopicDescriptor<Prompt> input = Topics.PROMPTS.withName(TestTopics.unique("dlq.ids-in"));
        TopicDescriptor<Prompt> output = Topics.PROMPTS.withName(TestTopics.unique("dlq.ids-out"));
        TopicDescriptor<WeightChunk> weights = Topics.WEIGHTS.withName(TestTopics.unique("dlq.ids-weights"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(input, output), (short) 1);
        }
        SerdeSettings serdes = SerdeSettings.apicurio(cluster.registryBaseUrl());
        Serde<Prompt> promptSerde = input.valueSerde(serdes);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input.name(), Consumed.with(input.keySerde(), promptSerde).withName("read-prompts"))
            .to(output.name(), Produced.with(output.keySerde(), promptSerde).withName("write-prompts"));
        try (KafkaStreams streams = new KafkaStreams(builder.build(), exactlyOnceWithDeadLetters(cluster, stage, stateDir))) {
            streams.start();

            // When a value framed with a schema id the registry never gave out arrives, and then a
            // weight chunk, properly framed with the weights topic's schema id
            byte[] unknownId = {0, 0x7f, 0x00, 0x12, 0x34, 2, 'x'};
            byte[] chunk = weights.valueSerde(serdes).serializer().serialize(weights.name(), WeightChunk.newBuilder()
                .setModelName("policy").setRole(ModelRole.POLICY).setVersion(1).setChunkIndex(0).setChunkCount(1)
                .setTotalBytes(1).setSha256("ab".repeat(32)).setFormat("VAPOWTS2").setArchitecture(Map.of())
                .setData(java.nio.ByteBuffer.wrap(new byte[] {1})).setPublishedAtMs(java.time.Instant.now()).build());
            try (KafkaProducer<byte[], byte[]> producer = rawProducer(cluster)) {
                producer.send(new ProducerRecord<>(input.name(), 0, bytes("p-unknown-id"), unknownId)).get();
                producer.send(new ProducerRecord<>(input.name(), 0, bytes("p-chunk"), chunk)).get();
            }

            // Then both are dead-lettered, and each reason names the schema id and what is wrong with it
            List<ConsumerRecord<String, byte[]>> dead = readCommitted(cluster, input.deadLetterTopic(), 2);
            assertEquals(2, dead.size(), "dead letters");
            String unknownReason = DeadLetter.header(dead.get(0).headers(), DeadLetter.ERROR_MESSAGE);
            assertTrue(unknownReason.startsWith("SerializationException: schema id " + 0x7f001234 + " is not in the registry"),
                unknownReason);
            String chunkReason = DeadLetter.header(dead.get(1).headers(), DeadLetter.ERROR_MESSAGE);
            int chunkId = java.nio.ByteBuffer.wrap(chunk, 1, 4).getInt();
            assertTrue(chunkReason.startsWith("SerializationException: schema id " + chunkId
                    + " is the schema of dev.vapostream.schemas.avro.WeightChunk, not of dev.vapostream.schemas.avro.Prompt"),
                chunkReason);
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
        }
    }

    @Test
    void plainConsumerStagesDeadLetterThroughThePublisher(ClusterEndpoints cluster) throws Exception {
        // Given a record a consumer-based stage could not handle
        TopicDescriptor<Prompt> topic = Topics.PROMPTS.withName(TestTopics.unique("dlq.plain"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(topic), (short) 1);
        }
        ConsumerRecord<byte[], byte[]> bad = new ConsumerRecord<>(topic.name(), 3, 99L, bytes("k"), bytes("v"));

        // When the stage publishes it as a dead letter
        try (KafkaProducer<byte[], byte[]> producer = rawProducer(cluster)) {
            new DeadLetterPublisher("generator-test", producer).publish(bad, new IllegalStateException("no weights yet")).get();
        }

        // Then it is in the DLQ with where it came from
        List<ConsumerRecord<String, byte[]>> dead = readCommitted(cluster, topic.deadLetterTopic(), 1);
        assertEquals(1, dead.size());
        assertEquals("3", DeadLetter.header(dead.get(0).headers(), DeadLetter.SOURCE_PARTITION));
        assertEquals("99", DeadLetter.header(dead.get(0).headers(), DeadLetter.SOURCE_OFFSET));
        assertEquals("generator-test", DeadLetter.header(dead.get(0).headers(), DeadLetter.STAGE));
    }

    /** An exactly-once Streams app's settings with the dead-letter handlers every vapo app sets. */
    private static Properties exactlyOnceWithDeadLetters(ClusterEndpoints cluster, String stage, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, stage);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        StreamsDeadLetters.configure(props, stage);
        return props;
    }

    private static Prompt prompt(String id, String text) {
        return Prompt.newBuilder().setId(id).setText(text).setAnswer("3").setAdmittedAtMs(java.time.Instant.now())
            .setAdmittedAtVersion(0).build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> rawProducer(ClusterEndpoints cluster) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<ConsumerRecord<String, byte[]>> readCommitted(ClusterEndpoints cluster, String topic, int count) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> records = new java.util.ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
