package dev.vapostream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ScoredGroup;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedCluster.class)
class WireContractIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void everyRecordTypeRoundTripsThroughItsTopicAndTheRegistry(ClusterEndpoints cluster) {
        SerdeSettings serdes = SerdeSettings.apicurio(cluster.registryBaseUrl());
        List<SpecificRecord> samples = SampleRecords.forEveryTopic();
        for (int i = 0; i < Topics.ALL.size(); i++) {
            // Given a fresh copy of the topic and a sample of its value type
            TopicDescriptor<?> topic = Topics.ALL.get(i).withName(TestTopics.unique(Topics.ALL.get(i).name()));
            SpecificRecord sample = samples.get(i);
            assertEquals(topic.valueType(), sample.getClass());

            // When it is written and read back with the topic's serdes
            SpecificRecord read = roundTrip(cluster, topic, sample, serdes);

            // Then nothing changed on the way
            assertEquals(sample, read, topic.valueType().getSimpleName());
        }
    }

    @Test
    void valuesUseTheConfluentWireFormatAndDecodeThroughTheCompatApi(ClusterEndpoints cluster) throws Exception {
        // Given a Prompt written by vapo's serde
        TopicDescriptor<Prompt> topic = Topics.PROMPTS.withName(TestTopics.unique("wire.prompts"));
        ensure(cluster, topic);
        Prompt prompt = SampleRecords.prompt("wire-1");
        try (Serde<Prompt> serde = topic.valueSerde(SerdeSettings.apicurio(cluster.registryBaseUrl()));
             KafkaProducer<String, Prompt> producer = KafkaClients.producer(cluster, new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), prompt.getId(), prompt)).get();
        }

        // When a client that knows nothing of vapo reads the raw bytes
        List<ConsumerRecord<String, byte[]>> raw = KafkaClients.readAll(cluster, topic.name(), 1, TIMEOUT,
            new StringDeserializer(), new ByteArrayDeserializer());
        assertEquals(1, raw.size());
        byte[] bytes = raw.get(0).value();

        // Then they start with magic byte 0 and a 4-byte schema id the Confluent API resolves
        assertEquals(0, bytes[0], "magic byte");
        int schemaId = ByteBuffer.wrap(bytes, 1, 4).getInt();
        ConfluentCompatApi registry = new ConfluentCompatApi(cluster.confluentCompatUrl());
        Schema writer = new Schema.Parser().parse(registry.schemaById(schemaId));
        assertEquals(Prompt.getClassSchema().getFullName(), writer.getFullName());

        // And the rest is plain Avro binary of that schema
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertEquals("wire-1", decoded.get("id").toString());
        assertEquals(prompt.getText(), decoded.get("text").toString());
        assertEquals(prompt.getAdmittedAtVersion(), decoded.get("admittedAtVersion"));

        // And the subject follows Confluent's topic naming
        assertTrue(registry.subjects().body().toString().contains("\"" + topic.name() + "-value\""),
            registry.subjects().body().toString());
    }

    @Test
    void nestedRecordsAreRegisteredSelfContainedAndDecodeWithTheSchemaAlone(ClusterEndpoints cluster) throws Exception {
        // Given a ScoredGroup (nested records and enums) written by vapo's serde with its default settings
        TopicDescriptor<ScoredGroup> topic = Topics.SCORED.withName(TestTopics.unique("wire.scored"));
        byte[] bytes = writeAndReadRaw(cluster, topic, SerdeSettings.apicurio(cluster.registryBaseUrl()));
        ConfluentCompatApi registry = new ConfluentCompatApi(cluster.confluentCompatUrl());

        // When a client without reference support fetches the id's schema and parses it on its own
        JsonNode latest = registry.latestVersion(topic.name() + "-value");
        Schema writer = new Schema.Parser().parse(registry.schemaById(ByteBuffer.wrap(bytes, 1, 4).getInt()));

        // Then the topic's subject refers to nothing, and that one schema decodes the nested values
        assertTrue(latest.path("references").isEmpty(), "references: " + latest.path("references"));
        assertEquals(ScoredGroup.getClassSchema(), new Schema.Parser().parse(latest.get("schema").asText()));
        assertDecodesTheSampleGroup(writer, bytes);
    }

    @Test
    void referenceModeRegistersNestedTypesAsSubjectsOfTheirOwn(ClusterEndpoints cluster) throws Exception {
        // Given the serde switched to reference mode, the setting docs/operations.md documents
        TopicDescriptor<ScoredGroup> topic = Topics.SCORED.withName(TestTopics.unique("wire.scored-refs"));
        SerdeSettings referenceMode = new SerdeSettings(cluster.registryBaseUrl(), SerdeSettings.APICURIO_SERIALIZER,
            SerdeSettings.APICURIO_DESERIALIZER, Map.of(SerdeSettings.APICURIO_DEREFERENCE, "false"));
        byte[] bytes = writeAndReadRaw(cluster, topic, referenceMode);
        ConfluentCompatApi registry = new ConfluentCompatApi(cluster.confluentCompatUrl());

        // When a client resolves the schema's references first, depth first, as reference-aware Confluent clients do
        JsonNode latest = registry.latestVersion(topic.name() + "-value");
        Schema writer = registry.parsedSchemaById(ByteBuffer.wrap(bytes, 1, 4).getInt());

        // Then the subject refers to the nested types, and the resolved schema decodes the same values
        assertFalse(latest.path("references").isEmpty(), "no references in " + latest);
        assertDecodesTheSampleGroup(writer, bytes);
    }

    private static byte[] writeAndReadRaw(ClusterEndpoints cluster, TopicDescriptor<ScoredGroup> topic, SerdeSettings serdes)
        throws Exception {
        ensure(cluster, topic);
        try (Serde<ScoredGroup> serde = topic.valueSerde(serdes);
             KafkaProducer<String, ScoredGroup> producer = KafkaClients.producer(cluster, new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), "p-1", SampleRecords.scoredGroup())).get();
        }
        return KafkaClients.readAll(cluster, topic.name(), 1, TIMEOUT, new StringDeserializer(),
            new ByteArrayDeserializer()).get(0).value();
    }

    private static void assertDecodesTheSampleGroup(Schema writer, byte[] bytes) throws Exception {
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        GenericRecord rollout = (GenericRecord) decoded.get("rollout");
        assertEquals("p-1", rollout.get("promptId").toString());
        GenericRecord firstResponse = (GenericRecord) ((List<?>) rollout.get("responses")).get(0);
        assertEquals("EOS", firstResponse.get("finishReason").toString());
        GenericRecord firstScore = (GenericRecord) ((List<?>) decoded.get("scores")).get(0);
        assertEquals(1.0, firstScore.get("reward"));
    }

    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> V roundTrip(ClusterEndpoints cluster, TopicDescriptor<V> topic,
                                                          SpecificRecord sample, SerdeSettings serdes) {
        ensure(cluster, topic);
        try (Serde<V> serde = topic.valueSerde(serdes);
             KafkaProducer<String, V> producer = KafkaClients.producer(cluster, new StringSerializer(), serde.serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), "k", (V) sample)).get();
            List<ConsumerRecord<String, V>> read = KafkaClients.readAll(cluster, topic.name(), 1, TIMEOUT,
                new StringDeserializer(), serde.deserializer());
            assertEquals(1, read.size(), "records read back from " + topic.name());
            return read.get(0).value();
        } catch (Exception e) {
            throw new AssertionError("round trip through " + topic.name() + " failed", e);
        }
    }

    static void ensure(ClusterEndpoints cluster, TopicDescriptor<?> topic) {
        try (Admin admin = KafkaClients.admin(cluster)) {
            TopicAdmin.ensure(admin, List.of(topic), (short) 1);
        }
    }
}
