package dev.vapostream.schemas;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How values are (de)serialized: which serializer and deserializer classes, which registry, and
 * any serde setting passed through untouched. The default is Apicurio's Avro serde writing the
 * Confluent wire format (magic byte 0, 4-byte schema id); a Confluent Platform user sets
 * {@code vapo.serde.value.serializer=io.confluent.kafka.serializers.KafkaAvroSerializer} (and the
 * deserializer) and passes {@code vapo.serde.specific.avro.reader=true}.
 *
 * <p>Schemas are registered <b>self-contained</b> by default: each {@code <topic>-value} subject
 * holds the whole record schema with its nested named types inlined and no schema references,
 * which is what Confluent's own Avro serializer registers and what clients without reference
 * support (older Confluent clients, many tools) can read. Reference mode, where the Apicurio serde
 * registers every nested named type as a subject of its own and the topic's schema refers to it,
 * stays available: pass {@code vapo.serde.apicurio.registry.dereference-schema=false}.
 *
 * @param registryUrl       the registry; for the Apicurio serde a bare {@code http://host:port} is
 *                          completed with its v3 API path, other serdes get it unchanged as
 *                          {@code schema.registry.url}
 * @param serializerClass   value serializer class name
 * @param deserializerClass value deserializer class name
 * @param passthrough       further serde settings, applied last
 */
public record SerdeSettings(String registryUrl, String serializerClass, String deserializerClass,
                            Map<String, String> passthrough) {

    public static final String PREFIX = "vapo.serde.";
    public static final String SERIALIZER_KEY = PREFIX + "value.serializer";
    public static final String DESERIALIZER_KEY = PREFIX + "value.deserializer";
    public static final String APICURIO_SERIALIZER = "io.apicurio.registry.serde.avro.AvroKafkaSerializer";
    public static final String APICURIO_DESERIALIZER = "io.apicurio.registry.serde.avro.AvroKafkaDeserializer";
    /** Apicurio's switch between self-contained schemas ({@code true}, vapo's default) and schema references. */
    public static final String APICURIO_DEREFERENCE = "apicurio.registry.dereference-schema";
    private static final String APICURIO_API_PATH = "/apis/registry/v3";

    public SerdeSettings {
        Objects.requireNonNull(registryUrl, "registryUrl: pass --registry-url");
        if (!registryUrl.startsWith("http://") && !registryUrl.startsWith("https://")) {
            throw new IllegalArgumentException("registry URL must start with http:// or https://, got '" + registryUrl + "'");
        }
        Objects.requireNonNull(serializerClass, "serializerClass");
        Objects.requireNonNull(deserializerClass, "deserializerClass");
        passthrough = Map.copyOf(passthrough);
    }

    /** Apicurio's serde against the given registry, nothing passed through. */
    public static SerdeSettings apicurio(String registryUrl) {
        return new SerdeSettings(registryUrl, APICURIO_SERIALIZER, APICURIO_DESERIALIZER, Map.of());
    }

    /**
     * Reads {@code vapo.serde.value.serializer}, {@code vapo.serde.value.deserializer} and every other
     * {@code vapo.serde.*} key (prefix removed) from {@code props}.
     */
    public static SerdeSettings fromProperties(String registryUrl, Properties props) {
        Map<String, String> passthrough = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(PREFIX) && !key.equals(SERIALIZER_KEY) && !key.equals(DESERIALIZER_KEY)) {
                passthrough.put(key.substring(PREFIX.length()), props.getProperty(key));
            }
        }
        return new SerdeSettings(registryUrl,
            props.getProperty(SERIALIZER_KEY, APICURIO_SERIALIZER),
            props.getProperty(DESERIALIZER_KEY, APICURIO_DESERIALIZER),
            passthrough);
    }

    public boolean usesApicurio() {
        return serializerClass.startsWith("io.apicurio.") || deserializerClass.startsWith("io.apicurio.");
    }

    /** The settings handed to the serializer's and deserializer's {@code configure}. */
    public Map<String, Object> serdeConfigs() {
        Map<String, Object> configs = new HashMap<>();
        if (usesApicurio()) {
            configs.put("apicurio.registry.url", apicurioApiUrl());
            configs.put("apicurio.registry.auto-register", "true");
            configs.put("apicurio.registry.find-latest", "true");
            configs.put("apicurio.registry.use-specific-avro-reader", "true");
            // Confluent wire format: magic byte and a 4-byte id in the value, no headers.
            configs.put("apicurio.registry.headers.enabled", "false");
            configs.put(APICURIO_DEREFERENCE, "true");
        } else {
            configs.put("schema.registry.url", registryUrl);
            configs.put("specific.avro.reader", "true");
        }
        configs.putAll(passthrough);
        return configs;
    }

    /** A configured value serde for an Avro specific-record type. */
    public <V extends SpecificRecord> Serde<V> valueSerde(Class<V> type) {
        Serializer<V> serializer = instantiate(serializerClass, Serializer.class);
        Deserializer<V> deserializer = new TypeCheckedDeserializer<>(instantiate(deserializerClass, Deserializer.class), type);
        Map<String, Object> configs = serdeConfigs();
        serializer.configure(configs, false);
        deserializer.configure(configs, false);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private String apicurioApiUrl() {
        String trimmed = registryUrl.endsWith("/") ? registryUrl.substring(0, registryUrl.length() - 1) : registryUrl;
        return trimmed.contains("/apis/") ? trimmed : trimmed + APICURIO_API_PATH;
    }

    @SuppressWarnings("unchecked")
    private static <T> T instantiate(String className, Class<?> expected) {
        try {
            Class<?> type = Class.forName(className);
            if (!expected.isAssignableFrom(type)) {
                throw new IllegalArgumentException(className + " is not a Kafka " + expected.getSimpleName());
            }
            return (T) type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("serde class " + className + " is not on the classpath;"
                + " add its jar or fix " + SERIALIZER_KEY + "/" + DESERIALIZER_KEY, e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot instantiate serde class " + className
                + ": it needs a public no-argument constructor", e);
        }
    }
}
