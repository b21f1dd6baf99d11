package dev.vapostream.schemas.testing;

import java.util.Properties;

import dev.vapostream.schemas.SerdeSettings;

/**
 * Settings that make a stage's serdes registry-free ({@link SingleObjectAvroSerializer}), so a
 * topology test in a {@code TopologyTestDriver} needs no live registry.
 */
public final class HermeticSerdes {
    /**
     * A registry URL is still required by the settings; nothing is listening there and the
     * registry-free serdes never call it.
     */
    public static final String UNUSED_REGISTRY_URL = "http://127.0.0.1:9";

    private HermeticSerdes() {
    }

    /** Adds {@code registry.url} and the registry-free serde classes to a stage's properties. */
    public static Properties into(Properties stageProperties) {
        stageProperties.setProperty("registry.url", UNUSED_REGISTRY_URL);
        stageProperties.setProperty(SerdeSettings.SERIALIZER_KEY, SingleObjectAvroSerializer.class.getName());
        stageProperties.setProperty(SerdeSettings.DESERIALIZER_KEY, SingleObjectAvroDeserializer.class.getName());
        return stageProperties;
    }

    /** The same serdes for the test's own input and output topics. */
    public static SerdeSettings settings() {
        return SerdeSettings.fromProperties(UNUSED_REGISTRY_URL, into(new Properties()));
    }
}
