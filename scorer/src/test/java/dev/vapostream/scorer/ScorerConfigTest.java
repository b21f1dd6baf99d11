package dev.vapostream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.vapostream.schemas.dlq.StreamsDeadLetters;
import dev.vapostream.scorer.api.Scorer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ScorerConfigTest {

    private static Properties minimal() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "127.0.0.1:9092");
        p.setProperty("registry.url", "http://127.0.0.1:8080");
        return p;
    }

    @Test
    void defaultsScoreRolloutsIntoScoredWithCorrectness() {
        // Given only the two required settings When the config is built
        ScorerConfig c = ScorerConfig.fromProperties(minimal());
        // Then it reads vapo.rollouts, writes vapo.scored with the correctness scorer, exactly once
        assertEquals("vapo.rollouts", c.inputTopic());
        assertEquals(InputType.RESPONSE_GROUP, c.inputType());
        assertEquals("vapo.scored", c.outputTopic());
        assertEquals(List.of("correctness"), c.scorers().stream().map(Scorer::name).toList());
        assertEquals(Duration.ofSeconds(10), c.groupTimeout());
        assertEquals("scorer", c.stage());
        Properties streams = c.streamsProperties();
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals(StreamsDeadLetters.Processing.class.getName(), streams.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals(StreamsDeadLetters.Deserialization.class.getName(),
            streams.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG));
        assertEquals("scorer", streams.get(StreamsDeadLetters.STAGE_CONFIG));
        assertEquals("vapo-scorer", streams.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals(60_000, streams.get("producer.transaction.timeout.ms"));
    }

    @Test
    void missingBootstrapServersOrRegistryIsAClearError() {
        // Given no bootstrap servers When built Then the error names the setting
        Properties noBootstrap = minimal();
        noBootstrap.remove("bootstrap.servers");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScorerConfig.fromProperties(noBootstrap));
        assertTrue(e.getMessage().contains("missing required setting bootstrap.servers"), e.getMessage());
        // Given no registry When built Then the error names that setting
        Properties noRegistry = minimal();
        noRegistry.remove("registry.url");
        e = assertThrows(IllegalArgumentException.class, () -> ScorerConfig.fromProperties(noRegistry));
        assertTrue(e.getMessage().contains("missing required setting registry.url"), e.getMessage());
    }

    @Test
    void kafkaSettingsPassThroughUntouchedAndScorerSettingsReachTheirScorer() {
        // Given kafka.* settings, a chain of two scorers and settings for one of them
        Properties p = minimal();
        p.setProperty("kafka.num.stream.threads", "3");
        p.setProperty("kafka.security.protocol", "SSL");
        p.setProperty("scorers", "correctness, overlong");
        p.setProperty("scorer.overlong.max-tokens", "200");
        p.setProperty("group.timeout.ms", "50000");
        // When built
        ScorerConfig c = ScorerConfig.fromProperties(p);
        // Then Kafka gets the settings without the prefix, and the chain is configured in order
        Properties streams = c.streamsProperties();
        assertEquals("3", streams.get("num.stream.threads"));
        assertEquals("SSL", streams.get("security.protocol"));
        assertEquals(List.of("correctness@1", "overlong@1(max-tokens=200,cache-tokens=20%)"),
            c.scorers().stream().map(s -> s.name() + "@" + s.version()).toList());
        // and the transaction timeout stays above three group time limits
        assertEquals(160_000, streams.get("producer.transaction.timeout.ms"));
    }

    @Test
    void unknownScorerNamesWhatIsAvailable() {
        // Given a scorer name no jar provides When built Then the error lists the available scorers
        Properties p = minimal();
        p.setProperty("scorers", "correctness,sandbox");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScorerConfig.fromProperties(p));
        assertTrue(e.getMessage().contains("unknown scorer 'sandbox'") && e.getMessage().contains("overlong"), e.getMessage());
    }

    @Test
    void rejectsInconsistentSettings() {
        // Given the same input and output topic, a zero time limit, a duplicate scorer and an unknown input type
        Properties sameTopic = minimal();
        sameTopic.setProperty("output.topic", "vapo.rollouts");
        Properties zeroTimeout = minimal();
        zeroTimeout.setProperty("group.timeout.ms", "0");
        Properties duplicate = minimal();
        duplicate.setProperty("scorers", "correctness,correctness");
        Properties badType = minimal();
        badType.setProperty("input.type", "rollouts");
        // When built Then each is refused with a message naming the setting
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScorerConfig.fromProperties(sameTopic))
            .getMessage().contains("input.topic and output.topic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScorerConfig.fromProperties(zeroTimeout))
            .getMessage().contains("group.timeout.ms"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScorerConfig.fromProperties(duplicate))
            .getMessage().contains("twice"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScorerConfig.fromProperties(badType))
            .getMessage().contains("response-group, scored-group"));
    }

    @Test
    void refusesUnknownKeysAndSuggestsTheNearest() {
        // Given a typo next to valid and prefixed keys
        Properties p = minimal();
        p.setProperty("output.topik", "x");
        p.setProperty("kafka.linger.ms", "5");
        p.setProperty("vapo.serde.apicurio.registry.auto-register", "false");
        // When built Then only the typo is refused, with the key it was likely meant to be
        String message = assertThrows(IllegalArgumentException.class, () -> ScorerConfig.fromProperties(p)).getMessage();
        assertTrue(message.contains("unknown setting output.topik (did you mean output.topic?)"), message);
        assertFalse(message.contains("linger") || message.contains("auto-register"), message);
    }
}
