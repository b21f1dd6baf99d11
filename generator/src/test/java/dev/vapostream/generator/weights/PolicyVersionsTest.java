package dev.vapostream.generator.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import dev.vapostream.generator.TestPolicies;
import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.avro.WeightChunk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PolicyVersionsTest {
    private final Recorder events = new Recorder();
    private final PolicyVersions versions = new PolicyVersions("policy",
        PolicyLoader.forTokenizer(TestPolicies.TOKENIZER), events);

    @AfterEach
    void close() {
        versions.close();
    }

    @Test
    void nothingIsInUseUntilEveryChunkOfTheFirstVersionArrived() {
        // Given version 0 split into several chunks
        byte[] v0 = TestPolicies.weights(1);
        List<WeightChunk> chunks = TestPolicies.chunks("policy", 0, v0);
        assertTrue(chunks.size() >= 3, "the test needs several chunks, got " + chunks.size());
        // When all but the last arrived
        chunks.subList(0, chunks.size() - 1).forEach(versions::offer);
        // Then there is no policy yet, though version 0 is announced
        assertTrue(versions.current().isEmpty());
        assertEquals(0, versions.newestAnnounced());
        // When the last arrives, version 0 with exactly those weights is in use
        versions.offer(chunks.get(chunks.size() - 1));
        PolicyVersions.Current current = versions.current().orElseThrow();
        assertEquals(0, current.version());
        assertEquals(dev.vapostream.schemas.weights.WeightChunks.sha256Hex(v0), current.policy().weightsSha256());
        assertEquals(List.of("loaded 0"), events.seen);
    }

    @Test
    void aCorruptedVersionIsRefusedOnceAndTheOldPolicyKeptUntilAGoodOneArrives() {
        // Given version 0 in use
        byte[] v0 = TestPolicies.weights(1);
        TestPolicies.chunks("policy", 0, v0).forEach(versions::offer);
        PolicyModel v0Policy = versions.current().orElseThrow().policy();

        // When version 1 arrives with a flipped byte
        TestPolicies.corruptedChunks("policy", 1, TestPolicies.weights(2)).forEach(versions::offer);

        // Then it is refused (reported once, however often the worker asks) and version 0 stays in use
        assertEquals(0, versions.current().orElseThrow().version());
        assertEquals(0, versions.current().orElseThrow().version());
        assertTrue(v0Policy == versions.current().orElseThrow().policy());
        assertEquals(1, versions.newestAnnounced());
        assertEquals(2, events.seen.size(), events.seen.toString());
        assertTrue(events.seen.get(1).startsWith("refused 1: ") && events.seen.get(1).contains("SHA-256"), events.seen.toString());

        // When a good version 2 arrives, it replaces version 0
        byte[] v2 = TestPolicies.weights(3);
        TestPolicies.chunks("policy", 2, v2).forEach(versions::offer);
        PolicyVersions.Current current = versions.current().orElseThrow();
        assertEquals(2, current.version());
        assertEquals(dev.vapostream.schemas.weights.WeightChunks.sha256Hex(v2), current.policy().weightsSha256());
        assertEquals("loaded 2", events.seen.get(events.seen.size() - 1));
    }

    @Test
    void otherModelsAreIgnoredAndAVocabularyMismatchIsRefused() {
        // Given a critic's chunks and a policy whose vocabulary is not the tokenizer's
        TestPolicies.chunks("critic", 5, TestPolicies.weights(1)).forEach(versions::offer);
        assertTrue(versions.current().isEmpty());
        assertEquals(-1, versions.newestAnnounced());
        byte[] otherVocabulary;
        try (PolicyModel p = PolicyModel.initialise(ModelConfig.of(new CharTokenizer("ab").vocabSize(), 64, 1, 32, 2), 1)) {
            otherVocabulary = p.encodeWeights();
        }
        // When that policy is published
        TestPolicies.chunks("policy", 0, otherVocabulary).forEach(versions::offer);
        // Then it is refused: its token ids would mean other characters
        assertTrue(versions.current().isEmpty());
        assertTrue(events.seen.get(0).startsWith("refused 0: ") && events.seen.get(0).contains("vocabulary"), events.seen.toString());
    }

    /** Records loads and refusals in order. */
    private static final class Recorder implements VersionEvents {
        final List<String> seen = new ArrayList<>();

        @Override
        public void loaded(long version) {
            seen.add("loaded " + version);
        }

        @Override
        public void refused(long version, String reason) {
            seen.add("refused " + version + ": " + reason);
        }

        @Override
        public void announced(long newestVersion) {
        }
    }
}
