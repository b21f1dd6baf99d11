package dev.vapostream.schemas;

import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A registry-aware Avro deserializer that only returns values of the topic's type. The serde
 * decodes whatever schema a record's id names, so a record framed with another topic's schema
 * id would otherwise come back as another type and flow on; and an id the registry never gave
 * out surfaces as the registry client's bare "ProblemDetails"; bytes not in the wire format, or cut
 * short, surface as a buffer underflow or an EOF. All of these become a
 * {@link SerializationException} whose message names the schema id and what is wrong with it,
 * which is what the dead-letter reason shows.
 */
final class TypeCheckedDeserializer<V> implements Deserializer<V> {
    private final Deserializer<V> delegate;
    private final Class<V> type;

    TypeCheckedDeserializer(Deserializer<V> delegate, Class<V> type) {
        this.delegate = delegate;
        this.type = type;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        delegate.configure(configs, isKey);
    }

    @Override
    public V deserialize(String topic, byte[] data) {
        return checked(topic, data, () -> delegate.deserialize(topic, data));
    }

    @Override
    public V deserialize(String topic, Headers headers, byte[] data) {
        return checked(topic, data, () -> delegate.deserialize(topic, headers, data));
    }

    @Override
    public void close() {
        delegate.close();
    }

    private interface Decode<V> {
        V get();
    }

    private V checked(String topic, byte[] data, Decode<V> decode) {
        Object value;
        try {
            value = decode.get();
        } catch (RuntimeException e) {
            if (data != null && schemaId(data) == null) {
                throw new SerializationException(notInWireFormat(data, topic), e);
            }
            if (hasCause(e, "EOFException")) {
                throw new SerializationException("schema id " + schemaId(data) + ": the value ends before a whole "
                    + type.getName() + " is read (" + data.length + " bytes; truncated?)", e);
            }
            if (schemaId(data) != null && hasCause(e, "ProblemDetails")) {
                throw new SerializationException("schema id " + schemaId(data) + " is not in the registry: the record was"
                    + " written against another registry, or with a schema since deleted", e);
            }
            if (schemaId(data) != null && (hasCause(e, "NoSuchMethodException") || hasCause(e, "InstantiationException"))) {
                throw new SerializationException("schema id " + schemaId(data) + " is not the schema of a record: "
                    + type.getName() + " expected on " + topic, e);
            }
            throw e;
        }
        if (value != null && !type.isInstance(value)) {
            throw new SerializationException("schema id " + schemaId(data) + " is the schema of " + value.getClass().getName()
                + ", not of " + type.getName() + ", which " + topic + " carries: the record was written with another"
                + " topic's schema");
        }
        return type.cast(value);
    }

    private String notInWireFormat(byte[] data, String topic) {
        String expected = topic + " carries " + type.getName() + " in the registry wire format (magic byte 0x00, a 4-byte"
            + " schema id, the Avro body)";
        if (data.length == 0) {
            return "value is empty (0 bytes); " + expected;
        }
        return String.format("value (%d bytes, first byte 0x%02x) is not in the registry wire format; %s: was it written"
            + " without a registry-aware Avro serializer?", data.length, data[0] & 0xff, expected);
    }

    /** The id in the Confluent wire format's bytes 1-4, or null when the bytes are not in it. */
    private static Integer schemaId(byte[] data) {
        return data != null && data.length >= 5 && data[0] == 0 ? ByteBuffer.wrap(data, 1, 4).getInt() : null;
    }

    private static boolean hasCause(Throwable error, String simpleName) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }
}
