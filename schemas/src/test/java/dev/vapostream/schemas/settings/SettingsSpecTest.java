package dev.vapostream.schemas.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SettingsSpecTest {
    private static final Setting<String> SERVERS = Setting.required("bootstrap.servers", "the Kafka cluster");
    private static final Setting<Integer> MAX_STEPS = Setting.integer("max.steps", 300, "policy updates");
    private static final Setting<Double> GAMMA = Setting.optionalNumber("gamma", "discount");
    private static final Setting<Boolean> CREATE = Setting.bool("topics.create", true, "create topics");
    private static final Setting<String> DEVICE = Setting.choice("device", "where tensors live", "cpu", "gpu");
    private static final SettingsSpec SPEC = SettingsSpec.of("learner",
        List.of(SERVERS, MAX_STEPS, GAMMA, CREATE, DEVICE), List.of("kafka."));

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void readsGivenValuesTypedAndDefaultsForTheRest() {
        // Given two settings and a pass-through key When read
        Settings s = SPEC.read(props("bootstrap.servers", "127.0.0.1:9092", "max.steps", " 40 ", "kafka.acks", "all"));
        // Then each reads as its type, the others fall back to their defaults, or null where there is none
        assertEquals("127.0.0.1:9092", s.get(SERVERS));
        assertEquals(40, s.get(MAX_STEPS));
        assertTrue(s.get(CREATE));
        assertEquals("cpu", s.get(DEVICE));
        assertNull(s.get(GAMMA));
        assertTrue(s.isGiven(MAX_STEPS));
        assertFalse(s.isGiven(GAMMA));
        assertEquals("all", s.toProperties().getProperty("kafka.acks"));
    }

    @Test
    void refusesAnUnknownKeyAndSuggestsTheNearestDeclaredOne() {
        // Given a typo of max.steps and a key like none declared
        Properties p = props("bootstrap.servers", "x", "max.stepz", "5", "colour", "red");
        // When read Then both are refused, the typo with its likely meaning
        String message = assertThrows(IllegalArgumentException.class, () -> SPEC.read(p)).getMessage();
        assertTrue(message.contains("max.stepz (did you mean max.steps?)"), message);
        assertTrue(message.contains("colour") && !message.contains("colour (did you mean"), message);
        assertEquals(Set.of("max.stepz", "colour"), SPEC.unknownKeys(p));
    }

    @Test
    void aValueOfTheWrongFormNamesItsKey() {
        // Given values that do not read as their types
        Settings s = SPEC.read(props("max.steps", "many", "topics.create", "yes", "device", "tpu", "gamma", "1,0"));
        // When read Then each error names the key and the value
        assertEquals("max.steps must be an integer, got 'many'",
            assertThrows(IllegalArgumentException.class, () -> s.get(MAX_STEPS)).getMessage());
        assertEquals("topics.create must be true or false, got 'yes'",
            assertThrows(IllegalArgumentException.class, () -> s.get(CREATE)).getMessage());
        assertEquals("device must be one of cpu, gpu, got 'tpu'",
            assertThrows(IllegalArgumentException.class, () -> s.get(DEVICE)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.get(GAMMA)).getMessage().startsWith("gamma"));
    }

    @Test
    void aMissingRequiredSettingSaysWhatItIsFor() {
        // Given no bootstrap.servers When it is read Then the error names the key, its flag and its purpose
        String message = assertThrows(IllegalArgumentException.class, () -> SPEC.read(new Properties()).get(SERVERS))
            .getMessage();
        assertEquals("missing required setting bootstrap.servers (--bootstrap-servers): the Kafka cluster", message);
    }

    @Test
    void selectKeepsOnlyDeclaredKeysAndPlusWithoutCompose() {
        // Given a spec for train's own keys and the learner's, minus what train sets itself
        Setting<Integer> workers = Setting.integer("workers", 1, "generator workers");
        SettingsSpec train = SettingsSpec.of("vapo train", List.of(workers), List.of())
            .plus(SPEC.without(List.of("bootstrap.servers")));
        // When properties are checked and split
        Properties p = props("workers", "2", "max.steps", "9", "kafka.linger.ms", "5");
        // Then train takes them all, the learner's share leaves train's own key out, and the removed key is unknown
        assertEquals(Set.of(), train.unknownKeys(p));
        assertEquals(Set.of("max.steps", "kafka.linger.ms"), SPEC.select(p).stringPropertyNames());
        assertFalse(train.declares("bootstrap.servers"));
        assertThrows(IllegalArgumentException.class,
            () -> SettingsSpec.of("twice", List.of(workers, workers), List.of()));
    }

    @Test
    void flagsAreTheKeysWithDashes() {
        assertEquals("--max-steps", MAX_STEPS.flag());
        assertThrows(IllegalArgumentException.class, () -> Setting.integer("max-steps", 1, "dashes are flags, not keys"));
    }
}
