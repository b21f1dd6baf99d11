package dev.vapostream.generator.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
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
    void anOlderVersionIsRefusedWithAReasonButARestartedLearnersLowerVersionIsFollowed() {
        // Given version 5 of a learner that started at t=1000 s in use
        Instant firstStart = Instant.ofEpochSecond(1000);
        TestPolicies.chunks("policy", 5, TestPolicies.weights(1), firstStart).forEach(versions::offer);
        assertEquals(5, versions.current().orElseThrow().version());

        // When version 3 of the same learner arrives (a record replayed from the past), the worker asking between chunks
        for (WeightChunk chunk : TestPolicies.chunks("policy", 3, TestPolicies.weights(2), firstStart)) {
            versions.offer(chunk);
            assertEquals(5, versions.current().orElseThrow().version());
        }

        // Then it is refused, once, with a reason that says it is older, and version 5 stays in use
        assertEquals(2, events.seen.size(), events.seen.toString());
        assertTrue(events.seen.get(1).startsWith("refused 3: v3 (publisher started 1970-01-01T00:16:40Z) is older than v5"),
            events.seen.toString());

        // When the learner, restarted from its checkpoint at version 4, publishes version 4 again
        byte[] checkpoint = TestPolicies.weights(4);
        TestPolicies.chunks("policy", 4, checkpoint, firstStart.plusSeconds(60)).forEach(versions::offer);

        // Then the generator follows it back to version 4: the learner's state is what it samples with
        PolicyVersions.Current current = versions.current().orElseThrow();
        assertEquals(4, current.version());
        assertEquals(dev.vapostream.schemas.weights.WeightChunks.sha256Hex(checkpoint), current.policy().weightsSha256());
    }

    @Test
    void aVersionStillMissingChunks30SecondsAfterItWasAnnouncedIsReportedOnceNamingThem() {
        // Given a worker's clock, and version 0 in use
        long[] now = {0};
        try (PolicyVersions timed = new PolicyVersions("policy", PolicyLoader.forTokenizer(TestPolicies.TOKENIZER), events,
            () -> now[0])) {
            TestPolicies.chunks("policy", 0, TestPolicies.weights(1)).forEach(timed::offer);
            assertEquals(0, timed.current().orElseThrow().version());

            // When version 1 arrives without its chunk 1, and the worker asks 29 s and then 31 s later, and again
            List<WeightChunk> v1 = TestPolicies.chunks("policy", 1, TestPolicies.weights(2));
            assertTrue(v1.size() >= 3, "the test needs several chunks, got " + v1.size());
            v1.stream().filter(c -> c.getChunkIndex() != 1).forEach(timed::offer);
            timed.current();
            now[0] = Duration.ofSeconds(29).toNanos();
            timed.current();
            assertEquals(List.of("loaded 0"), events.seen);
            now[0] = Duration.ofSeconds(31).toNanos();
            timed.current();
            timed.current();

            // Then it is reported once, naming the missing chunk, and version 0 stays in use
            assertEquals(List.of("loaded 0", "incomplete 1: missing [1]"), events.seen);
            assertEquals(0, timed.current().orElseThrow().version());
        }
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
        public void loaded(long version, Duration sincePublished) {
            seen.add("loaded " + version);
        }

        @Override
        public void refused(long version, String reason) {
            seen.add("refused " + version + ": " + reason);
        }

        @Override
        public void announced(long newestVersion) {
        }

        @Override
        public void incomplete(long version, List<Integer> missing) {
            seen.add("incomplete " + version + ": missing " + missing);
        }

        @Override
        public void unreadableChunk(String key, String reason) {
            seen.add("unreadable " + key);
        }
    }
}
