package dev.vapostream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.Set;

import dev.vapostream.scorer.api.Scorer;
import org.junit.jupiter.api.Test;

class ScorerRegistryTest {

    @Test
    void findsBuiltInAndPlugInScorersThroughServiceLoader() {
        // Given the built-ins' and the test plug-in's META-INF/services entries When loaded
        ScorerRegistry registry = ScorerRegistry.load();
        // Then all are known by name
        assertTrue(registry.names().containsAll(Set.of("correctness", "overlong", FaultInjectingScorer.NAME)), registry.names().toString());
    }

    @Test
    void aChainKeepsTheConfiguredOrderAndGivesEachScorerOnlyItsOwnSettings() {
        // Given settings for two scorers, one of them not in the chain
        Properties props = new Properties();
        props.setProperty("scorer.overlong.max-tokens", "64");
        props.setProperty("scorer.overlong.cache-tokens", "16");
        props.setProperty("scorer.correctness.ignored", "x");
        // When the chain overlong, correctness is built
        List<Scorer> chain = ScorerRegistry.load().chain(List.of("overlong", "correctness"), props);
        // Then it is in that order and overlong saw its settings
        assertEquals(List.of("overlong@1(max-tokens=64,cache-tokens=16)", "correctness@1"),
            chain.stream().map(s -> s.name() + "@" + s.version()).toList());
        assertEquals(Set.of("max-tokens", "cache-tokens"), ScorerRegistry.settingsFor("overlong", props).asMap().keySet());
    }
}
