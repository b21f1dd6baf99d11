package dev.vapostream.schemas.testing;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a record in Avro's single-object encoding (marker C3 01, the schema's 64-bit
 * fingerprint, the binary record): real Avro, with no registry to call. For topology tests that
 * must not need a live registry; the registry's wire format is tested in the integration tests.
 */
public final class SingleObjectAvroSerializer implements Serializer<SpecificRecord> {
    @Override
    public byte[] serialize(String topic, SpecificRecord record) {
        if (record == null) {
            return null;
        }
        try {
            return new BinaryMessageEncoder<SpecificRecord>(SpecificData.getForSchema(record.getSchema()),
                record.getSchema()).encode(record).array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
