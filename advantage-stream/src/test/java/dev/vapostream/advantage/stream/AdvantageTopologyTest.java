package dev.vapostream.advantage.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import dev.vapostream.advantage.AdvantageComputer;
import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.nn.NoGradient;
import ai.djl.ndarray.NDManager;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.testing.HermeticSerdes;
import dev.vapostream.schemas.avro.AdvantageEstimator;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.packed.ResponseArrays;
import dev.vapostream.schemas.dlq.DeadLetter;
import dev.vapostream.schemas.dlq.DeadLetterMetrics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topology unit tests, hermetic: Avro serdes with no registry ({@link HermeticSerdes}); the
 * registry's wire format is {@code AdvantageStreamIT}'s.
 */
class AdvantageTopologyTest {
    private TopologyTestDriver driver;
    private CriticFollower follower;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        if (follower != null) {
            follower.close();
        }
    }

    @Test
    void vapoGroupGetsTheCriticsValuesAndLengthAdaptiveAdvantages(@TempDir Path state) {
        // Given critic v1 on the weights topic
        Harness h = start(state, "vapo");
        byte[] weights = Fixtures.criticWeights(11);
        publish(h, Fixtures.criticChunks(1, weights));

        // When a group with a short (5) and a long (60-token) response arrives
        ScoredGroup group = Fixtures.group("p-1", new int[] {5, 60}, 1);
        double valuingBefore = AdvantageMetrics.value("valuing-seconds-total");
        double gaeBefore = AdvantageMetrics.value("gae-seconds-total");
        h.scored.pipeInput("p-1", group);

        // Then its values are the critic's, and its advantages VAPO's on those values
        AdvantageGroup out = h.advantages.readValue();
        assertEquals(1L, out.getCriticVersion());
        assertEquals(AdvantageEstimator.VAPO, out.getSettings().getEstimator());
        List<float[]> expectedValues;
        try (DjlCritic critic = DjlCritic.fromWeights(weights)) {
            expectedValues = critic.values(Fixtures.PROMPT, Fixtures.tokensOf(group));
        }
        List<ResponseSignals> expected = AdvantageComputer.compute(EstimatorSettings.vapo(), new double[] {1, 0},
            new int[] {5, 60}, expectedValues);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(expectedValues.get(i), ResponseArrays.of(out.getResponses().get(i)).values(), 0f);
            assertArrayEquals(expected.get(i).advantages(), ResponseArrays.of(out.getResponses().get(i)).advantages(), 0f);
            assertArrayEquals(expected.get(i).returns(), ResponseArrays.of(out.getResponses().get(i)).returns(), 0f);
        }
        assertEquals(0.0, out.getResponses().get(0).getLambdaPolicy());
        assertEquals(1 - 1 / (0.05 * 60), out.getResponses().get(1).getLambdaPolicy(), 1e-12);
        assertEquals(1.0, out.getResponses().get(0).getReward());
        assertArrayEquals(group.getRollout().getResponses().get(1).getTokens().stream().mapToInt(Integer::intValue).toArray(),
            ResponseArrays.of(out.getResponses().get(1)).tokens());
        // And it is written in wire format 2: the arrays packed, the array fields empty
        assertNotNull(out.getResponses().get(1).getPacked());
        assertTrue(out.getResponses().get(1).getTokens().isEmpty() && out.getResponses().get(1).getAdvantages().isEmpty());
        // And the time spent valuing it (a critic load and a forward pass) and on its GAE is counted
        assertTrue(AdvantageMetrics.value("valuing-seconds-total") > valuingBefore);
        assertTrue(AdvantageMetrics.value("gae-seconds-total") > gaeBefore);
    }

    @Test
    void aCriticThatReadsThePolicysFeaturesValuesGroupsAsItsModelDoes(@TempDir Path state) {
        // Given, on the weights topic, a critic that reads a policy's features (its weights carry the frozen policy)
        Harness h = start(state, "vapo");
        byte[] weights;
        try (PolicyModel policy = PolicyModel.initialise(Fixtures.CRITIC_CONFIG, 12L);
             ValueModel critic = policy.newValueModel(13L, true)) {
            weights = critic.encodeWeights();
        }
        publish(h, Fixtures.criticChunks(1, weights));

        // When a group arrives
        ScoredGroup group = Fixtures.group("p-2", new int[] {7, 40}, 1);
        h.scored.pipeInput("p-2", group);

        // Then its values are those the critic rebuilt from the same bytes gives, frozen policy's features included
        AdvantageGroup out = h.advantages.readValue();
        List<int[]> tokens = Fixtures.tokensOf(group).stream()
            .map(t -> t.stream().mapToInt(Integer::intValue).toArray()).toList();
        int[] prompt = Fixtures.PROMPT.stream().mapToInt(Integer::intValue).toArray();
        try (ValueModel critic = ValueModel.fromWeights(weights);
             NoGradient ignored = NoGradient.enter();
             NDManager manager = NDManager.newBaseManager()) {
            assertTrue(critic.readsPolicyFeatures());
            List<float[]> expected = critic.score(manager, List.of(prompt, prompt), tokens).perResponse(tokens);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(expected.get(i), ResponseArrays.of(out.getResponses().get(i)).values(), 1e-6f);
            }
        }
    }

    @Test
    void grpoNeedsNoCritic(@TempDir Path state) {
        Harness h = start(state, "grpo");
        h.scored.pipeInput("p-2", Fixtures.group("p-2", new int[] {4, 4, 9}, 1));
        AdvantageGroup out = h.advantages.readValue();
        assertNull(out.getCriticVersion());
        assertTrue(ResponseArrays.of(out.getResponses().get(0)).advantages()[0] > 0);
        assertTrue(ResponseArrays.of(out.getResponses().get(2)).advantages()[8] < 0);
    }

    @Test
    void badGroupsGoToTheDlqWithTheReasonAndGoodOnesStillFlow(@TempDir Path state) {
        // Given a running VAPO stage with critic v1
        Harness h = start(state, "vapo");
        publish(h, Fixtures.criticChunks(1, Fixtures.criticWeights(3)));

        // When broken groups arrive between good ones
        ScoredGroup mismatched = Fixtures.group("bad-lengths", new int[] {4, 4}, 1);
        mismatched.getRollout().getResponses().get(1).getBehaviourLogProbs().remove(0);
        ScoredGroup nanReward = Fixtures.group("bad-reward", new int[] {4}, 1);
        nanReward.getScores().get(0).setReward(Double.NaN);
        ScoredGroup infLogProb = Fixtures.group("bad-logprob", new int[] {4}, 1);
        infLogProb.getRollout().getResponses().get(0).getBehaviourLogProbs().set(2, Float.NEGATIVE_INFINITY);
        ScoredGroup empty = Fixtures.group("bad-empty", new int[] {3, 0}, 1);
        ScoredGroup fewerScores = Fixtures.group("bad-scores", new int[] {3, 3}, 1);
        fewerScores.getScores().remove(1);
        h.scored.pipeInput("good-1", Fixtures.group("good-1", new int[] {3}, 1));
        for (ScoredGroup bad : List.of(mismatched, nanReward, infLogProb, empty, fewerScores)) {
            h.scored.pipeInput(bad.getRollout().getPromptId(), bad);
        }
        long deadBefore = DeadLetterMetrics.count(AdvantageConfig.STAGE, Topics.SCORED.name());
        h.rawScored.pipeInput("bad-bytes".getBytes(StandardCharsets.UTF_8), "garbage".getBytes(StandardCharsets.UTF_8));
        h.scored.pipeInput("good-2", Fixtures.group("good-2", new int[] {3}, 0));

        // Then the good groups come out and each bad one is a dead letter saying why
        assertEquals(List.of("good-1", "good-2"), h.advantages.readKeyValuesToList().stream().map(kv -> kv.key).toList());
        List<TestRecord<String, byte[]>> dead = h.dlq.readRecordsToList();
        assertEquals(List.of("bad-lengths", "bad-reward", "bad-logprob", "bad-empty", "bad-scores"),
            dead.stream().map(TestRecord::key).toList());
        // The driver drops the deserialization handler's dead letter (AdvantageStreamIT sees it on a real
        // broker), but the handler ran and counted it.
        assertEquals(deadBefore + 1, DeadLetterMetrics.count(AdvantageConfig.STAGE, Topics.SCORED.name()));
        assertReason(dead.get(0), "response 1 has 4 tokens but 3 behaviour log-probs");
        assertReason(dead.get(1), "reward NaN is not finite");
        assertReason(dead.get(2), "log-prob -Infinity at token 2");
        assertReason(dead.get(3), "response 1 is empty");
        assertReason(dead.get(4), "has 2 responses but 1 scores");
        assertEquals(AdvantageConfig.STAGE, DeadLetter.header(dead.get(0).headers(), DeadLetter.STAGE));
    }

    @Test
    void withoutAnyCriticTheGroupIsDeadLetteredAsUnknownCriticVersion(@TempDir Path state) {
        Harness h = start(state, "vapo");
        h.scored.pipeInput("p-3", Fixtures.group("p-3", new int[] {3}, 1));
        assertTrue(h.advantages.isEmpty());
        assertReason(h.dlq.readRecord(), "unknown critic version");
    }

    @Test
    void aCriticVersionFailingItsChecksumIsRefusedAndThePreviousOneKept(@TempDir Path state) {
        // Given critic v1 loaded
        Harness h = start(state, "vapo");
        byte[] v1 = Fixtures.criticWeights(5);
        publish(h, Fixtures.criticChunks(1, v1));
        h.scored.pipeInput("p-4", Fixtures.group("p-4", new int[] {6}, 1));
        assertEquals(1L, h.advantages.readValue().getCriticVersion());

        // When v2 arrives with a corrupted chunk
        List<WeightChunk> v2 = Fixtures.criticChunks(2, Fixtures.criticWeights(6));
        byte[] bad = new byte[v2.get(0).getData().remaining()];
        v2.get(0).getData().duplicate().get(bad);
        bad[100] ^= 0x55;
        v2.get(0).setData(java.nio.ByteBuffer.wrap(bad));
        publish(h, v2);
        double refusedBefore = AdvantageMetrics.value("critic-refusals-total");
        h.scored.pipeInput("p-5", Fixtures.group("p-5", new int[] {6}, 1));

        // Then the next group is still valued by v1, and the refusal is counted
        assertEquals(1L, h.advantages.readValue().getCriticVersion());
        assertEquals(refusedBefore + 1, AdvantageMetrics.value("critic-refusals-total"));
    }

    @Test
    void anOlderCriticVersionArrivingLaterIsRefusedAndTheNewerOneKept(@TempDir Path state) {
        // Given critic v2 loaded
        Harness h = start(state, "vapo");
        publish(h, Fixtures.criticChunks(2, Fixtures.criticWeights(8)));
        h.scored.pipeInput("p-9", Fixtures.group("p-9", new int[] {6}, 1));
        assertEquals(2L, h.advantages.readValue().getCriticVersion());

        // When v1 of the same learner arrives after it (replayed from the past)
        double refusedBefore = AdvantageMetrics.value("critic-refusals-total");
        publish(h, Fixtures.criticChunks(1, Fixtures.criticWeights(9)));
        h.scored.pipeInput("p-10", Fixtures.group("p-10", new int[] {6}, 1));
        h.scored.pipeInput("p-11", Fixtures.group("p-11", new int[] {6}, 1));

        // Then it is refused once and v2 goes on valuing the groups
        assertEquals(List.of(2L, 2L), h.advantages.readValuesToList().stream().map(AdvantageGroup::getCriticVersion).toList());
        assertEquals(refusedBefore + 1, AdvantageMetrics.value("critic-refusals-total"));
    }

    @Test
    void aRestartedLearnersLowerCriticVersionIsFollowed(@TempDir Path state) {
        // Given critic v2 of a learner that started at t=0 loaded
        Harness h = start(state, "vapo");
        publish(h, Fixtures.criticChunks(2, Fixtures.criticWeights(10)));
        h.scored.pipeInput("p-12", Fixtures.group("p-12", new int[] {6}, 1));
        assertEquals(2L, h.advantages.readValue().getCriticVersion());

        // When the learner, restarted from its checkpoint at v1 a minute later, publishes v1 again
        publish(h, Fixtures.criticChunks(1, Fixtures.criticWeights(11), Instant.EPOCH.plusSeconds(60)));
        h.scored.pipeInput("p-13", Fixtures.group("p-13", new int[] {6}, 1));

        // Then the next group is valued by that v1: the learner's state is what the stage follows
        assertEquals(1L, h.advantages.readValue().getCriticVersion());
    }

    @Test
    void unreadableBytesOnTheWeightsTopicAreCountedOnceAndTheCriticHeldStaysInUse(@TempDir Path state) {
        // Given critic v1 loaded
        Harness h = start(state, "vapo");
        List<WeightChunk> v1 = Fixtures.criticChunks(1, Fixtures.criticWeights(7));
        publish(h, v1);
        h.scored.pipeInput("p-6", Fixtures.group("p-6", new int[] {6}, 1));
        assertEquals(1L, h.advantages.readValue().getCriticVersion());

        // When bytes that are no weight chunk replace the critic's chunk 0, and two more groups arrive
        double refusedBefore = AdvantageMetrics.value("critic-refusals-total");
        h.rawWeights.pipeInput(v1.get(0).getModelName() + "/0", "not a weight chunk".getBytes(StandardCharsets.UTF_8));
        h.scored.pipeInput("p-7", Fixtures.group("p-7", new int[] {6}, 1));
        h.scored.pipeInput("p-8", Fixtures.group("p-8", new int[] {6}, 1));

        // Then the stage goes on valuing with v1, dead-letters nothing, and counts the unreadable chunk once
        assertEquals(List.of(1L, 1L), h.advantages.readValuesToList().stream().map(AdvantageGroup::getCriticVersion).toList());
        assertTrue(h.dlq.isEmpty());
        assertEquals(refusedBefore + 1, AdvantageMetrics.value("critic-refusals-total"));
    }

    /** Writes a critic version's chunks to the weights topic, keyed as the learner keys them. */
    private static void publish(Harness h, List<WeightChunk> version) {
        version.forEach(c -> h.weights.pipeInput(c.getModelName() + "/" + c.getChunkIndex(), c));
    }

    private static void assertReason(TestRecord<String, byte[]> dead, String expected) {
        String message = DeadLetter.header(dead.headers(), DeadLetter.ERROR_MESSAGE);
        assertTrue(message.contains(expected), "dead letter '" + dead.key() + "' says: " + message);
    }

    private record Harness(TestInputTopic<String, ScoredGroup> scored, TestInputTopic<byte[], byte[]> rawScored,
                           TestInputTopic<String, WeightChunk> weights, TestInputTopic<String, byte[]> rawWeights,
                           TestOutputTopic<String, AdvantageGroup> advantages,
                           TestOutputTopic<String, byte[]> dlq) {
    }

    private Harness start(Path state, String estimator) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "unused-by-the-driver:9092");
        HermeticSerdes.into(p);
        p.setProperty("estimator", estimator);
        p.setProperty("state.dir", state.toString());
        p.setProperty("application.id", "advantage-driver-" + System.nanoTime());
        AdvantageConfig config = AdvantageConfig.fromProperties(p);
        follower = new CriticFollower(config.criticModelName(), DjlCritic::fromWeights);
        driver = new TopologyTestDriver(AdvantageTopology.build(config, follower), config.streamsProperties());
        SerdeSettings serdes = config.serdes();
        Serde<ScoredGroup> scored = Topics.SCORED.valueSerde(serdes);
        Serde<WeightChunk> weights = Topics.WEIGHTS.valueSerde(serdes);
        Serde<AdvantageGroup> advantages = Topics.ADVANTAGES.valueSerde(serdes);
        return new Harness(
            driver.createInputTopic(config.inputTopic(), new StringSerializer(), scored.serializer()),
            driver.createInputTopic(config.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer()),
            driver.createInputTopic(config.weightsTopic(), new StringSerializer(), weights.serializer()),
            driver.createInputTopic(config.weightsTopic(), new StringSerializer(), new ByteArraySerializer()),
            driver.createOutputTopic(config.outputTopic(), new StringDeserializer(), advantages.deserializer()),
            driver.createOutputTopic(config.inputTopic() + ".dlq", new StringDeserializer(), new ByteArrayDeserializer()));
    }
}
