package dev.vapostream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;

import dev.vapostream.schemas.avro.Prompt;
import org.junit.jupiter.api.Test;

class SerdeSettingsTest {

    @Test
    void apicurioDefaultGetsTheV3ApiPathAndConfluentWireFormat() {
        // Given a bare registry URL and no serde properties
        SerdeSettings settings = SerdeSettings.fromProperties("http://127.0.0.1:8080/", new Properties());

        // Then the Apicurio serde is used against its v3 API, without headers
        Map<String, Object> configs = settings.serdeConfigs();
        assertTrue(settings.usesApicurio());
        assertEquals("http://127.0.0.1:8080/apis/registry/v3", configs.get("apicurio.registry.url"));
        assertEquals("false", configs.get("apicurio.registry.headers.enabled"));
    }

    @Test
    void prefixedPropertiesPassThroughUntouchedAndChooseTheSerdeClasses() {
        // Given a Confluent-style configuration
        Properties props = new Properties();
        props.setProperty("vapo.serde.value.serializer", "com.example.Ser");
        props.setProperty("vapo.serde.value.deserializer", "com.example.De");
        props.setProperty("vapo.serde.basic.auth.user.info", "u:p");
        props.setProperty("bootstrap.servers", "ignored-here");

        // When it is read
        SerdeSettings settings = SerdeSettings.fromProperties("https://registry.example:8081", props);

        // Then the classes are taken, the rest passes through with the prefix removed, and the URL is unchanged
        assertEquals("com.example.Ser", settings.serializerClass());
        assertEquals("com.example.De", settings.deserializerClass());
        assertEquals(Map.of("basic.auth.user.info", "u:p"), settings.passthrough());
        assertFalse(settings.usesApicurio());
        assertEquals("https://registry.example:8081", settings.serdeConfigs().get("schema.registry.url"));
    }

    @Test
    void unknownSerdeClassIsAClearErrorNamingTheSetting() {
        SerdeSettings settings = new SerdeSettings("http://127.0.0.1:1", "no.such.Serializer",
            SerdeSettings.APICURIO_DESERIALIZER, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings.valueSerde(Prompt.class));
        assertTrue(e.getMessage().contains("no.such.Serializer") && e.getMessage().contains(SerdeSettings.SERIALIZER_KEY),
            e.getMessage());
    }

    @Test
    void registryUrlWithoutSchemeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> SerdeSettings.apicurio("127.0.0.1:8080"));
        assertTrue(e.getMessage().contains("http://"), e.getMessage());
    }
}
