package dev.vapostream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.testing.HermeticSerdes;
import dev.vapostream.schemas.testing.SingleObjectAvroDeserializer;
import dev.vapostream.schemas.testing.SingleObjectAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SingleObjectAvroSerdeTest {

    @Test
    void aRecordRoundTripsWithoutARegistry() {
        // Given the registry-free serde of a topic and a nested record
        Serde<ScoredGroup> serde = Topics.SCORED.valueSerde(HermeticSerdes.settings());
        ScoredGroup group = SampleRecords.scoredGroup();
        // When written and read back Then it is the same record
        byte[] bytes = serde.serializer().serialize("t", group);
        assertEquals(group, serde.deserializer().deserialize("t", bytes));
    }

    @Test
    void everyTopicsValueTypeRoundTrips() {
        // Given one record of every topic's value type When each is written and read back Then it is unchanged
        try (SingleObjectAvroSerializer out = new SingleObjectAvroSerializer(); SingleObjectAvroDeserializer in = new SingleObjectAvroDeserializer()) {
            for (SpecificRecord record : SampleRecords.forEveryTopic()) {
                assertEquals(record, in.deserialize("t", out.serialize("t", record)), record.getSchema().getFullName());
            }
        }
    }

    @Test
    void bytesThatAreNotSingleObjectAvroAreASerializationError() {
        Serde<ScoredGroup> serde = Topics.SCORED.valueSerde(HermeticSerdes.settings());
        assertThrows(SerializationException.class,
            () -> serde.deserializer().deserialize("t", "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8)));
    }
}
