package dev.vapostream.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;

class GeneratorConfigTest {

    private static Properties required() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "127.0.0.1:9092");
        p.setProperty("registry.url", "http://127.0.0.1:8080");
        return p;
    }

    @Test
    void defaultsFollowTheWireContractAndThePaper() {
        // Given only the required keys
        // When the config is built
        GeneratorConfig config = GeneratorConfig.fromProperties(required());
        // Then topics, model, G = 16, sampling at temperature 1 and the other defaults apply
        assertEquals("vapo.prompts", config.promptsTopic());
        assertEquals("vapo.rollouts", config.rolloutsTopic());
        assertEquals("vapo.weights", config.weightsTopic());
        assertEquals("policy", config.modelName());
        assertEquals("vapo-generator", config.groupId());
        assertEquals(16, config.groupSize());
        assertEquals(4, config.maxGroupsInFlight());
        assertEquals(64, config.batchRows());
        assertEquals(1f, config.sampling().temperature());
        assertEquals(1f, config.sampling().topP());
        assertEquals(BuiltInTask.DEFAULT.maxResponseTokens(), config.sampling().maxNewTokens());
        assertEquals(OptionalLong.empty(), config.seed());
        assertEquals(CharTokenizer.BUILT_IN_TASK_ALPHABET, config.tokenizerAlphabet());
        assertEquals(Duration.ofSeconds(30), config.metricsLogInterval());
        assertTrue(config.workerId().startsWith("generator-"));
        assertEquals("vapo-generator-" + config.workerId(), config.transactionalId());
        assertTrue(config.createTopics());
    }

    @Test
    void everyKeyIsReadAndKafkaSettingsPassThroughWithoutTheirPrefix() {
        // Given every key set
        Properties p = required();
        p.setProperty("group.id", "gens");
        p.setProperty("worker.id", "w7");
        p.setProperty("prompts.topic", "p");
        p.setProperty("rollouts.topic", "r");
        p.setProperty("weights.topic", "w");
        p.setProperty("model.name", "actor");
        p.setProperty("group.size", "4");
        p.setProperty("max.new.tokens", "32");
        p.setProperty("temperature", "0.7");
        p.setProperty("top.p", "0.9");
        p.setProperty("seed", "42");
        p.setProperty("max.groups.in.flight", "8");
        p.setProperty("tokenizer.alphabet", "ab");
        p.setProperty("metrics.log.interval.ms", "500");
        p.setProperty("topics.create", "false");
        p.setProperty("kafka.transaction.timeout.ms", "5000");
        // When the config is built
        GeneratorConfig config = GeneratorConfig.fromProperties(p);
        // Then each setting arrives where it belongs
        assertEquals("gens", config.groupId());
        assertEquals("w7", config.workerId());
        assertEquals("actor", config.modelName());
        assertEquals(4, config.groupSize());
        assertEquals(32, config.sampling().maxNewTokens());
        assertEquals(0.7f, config.sampling().temperature());
        assertEquals(0.9f, config.sampling().topP());
        assertEquals(OptionalLong.of(42), config.seed());
        assertEquals(8, config.maxGroupsInFlight());
        assertEquals(32, config.batchRows());
        assertEquals(5, config.tokenizer().vocabSize());
        assertEquals(Duration.ofMillis(500), config.metricsLogInterval());
        assertFalse(config.createTopics());
        assertEquals(Map.of("transaction.timeout.ms", "5000"), config.kafka());
    }

    @Test
    void missingRequiredKeysAreNamed() {
        Properties noRegistry = required();
        noRegistry.remove("registry.url");
        Properties noBootstrap = required();
        noBootstrap.remove("bootstrap.servers");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GeneratorConfig.fromProperties(noRegistry))
            .getMessage().contains("registry.url"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> GeneratorConfig.fromProperties(noBootstrap))
            .getMessage().contains("bootstrap.servers"));
    }

    @Test
    void invalidValuesAreRefusedWithTheKeyInTheMessage() {
        assertRefused("group.size", "0", "group.size");
        assertRefused("group.size", "many", "group.size");
        assertRefused("max.groups.in.flight", "0", "max.groups.in.flight");
        assertRefused("temperature", "-1", "temperature");
        assertRefused("top.p", "0", "top.p");
        assertRefused("max.new.tokens", "0", "max.new.tokens");
        assertRefused("seed", "x", "seed");
        assertRefused("topics.create", "yes", "topics.create");
        assertRefused("tokenizer.alphabet", "aa", "repeats");
        assertRefused("rollouts.topic", "vapo.prompts", "must differ");
        assertRefused("registry.url", "localhost:8080", "http");
    }

    @Test
    void unknownKeysAreRefusedButPrefixedOnesAreNot() {
        Properties p = required();
        p.setProperty("group-size", "3");
        p.setProperty("kafka.linger.ms", "5");
        p.setProperty("vapo.serde.some.setting", "x");
        String message = assertThrows(IllegalArgumentException.class, () -> GeneratorConfig.fromProperties(p)).getMessage();
        assertTrue(message.contains("unknown setting group-size (did you mean group.size?)"), message);
        assertFalse(message.contains("linger") || message.contains("some.setting"), message);
    }

    private static void assertRefused(String key, String value, String expectedInMessage) {
        Properties p = required();
        p.setProperty(key, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeneratorConfig.fromProperties(p),
            key + "=" + value);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }
}
