package dev.vapostream.schemas.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads what {@link SingleObjectAvroSerializer} writes, for any value type of {@link Topics}: the
 * fingerprint in the header picks the schema. Bytes that are not single-object Avro of a known
 * schema are a {@link SerializationException}, as with the registry's deserializer.
 */
public final class SingleObjectAvroDeserializer implements Deserializer<SpecificRecord> {
    private static final Map<Long, Schema> SCHEMAS = Topics.ALL.stream()
        .map(TopicDescriptor::valueType).distinct()
        .map(type -> SpecificData.get().getSchema(type))
        .collect(Collectors.toMap(SchemaNormalization::parsingFingerprint64, Function.identity()));

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < 10 || data[0] != (byte) 0xC3 || data[1] != (byte) 0x01) {
            throw new SerializationException("not Avro single-object encoding (" + data.length + " bytes on " + topic + ")");
        }
        long fingerprint = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema schema = SCHEMAS.get(fingerprint);
        if (schema == null) {
            throw new SerializationException("no value type of the pipeline has schema fingerprint " + fingerprint);
        }
        try {
            return new BinaryMessageDecoder<SpecificRecord>(SpecificData.getForSchema(schema), schema).decode(data);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + schema.getFullName() + " on " + topic, e);
        }
    }
}
