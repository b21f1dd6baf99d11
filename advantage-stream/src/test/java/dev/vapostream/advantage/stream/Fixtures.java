package dev.vapostream.advantage.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ResponseScore;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.SamplingSettings;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.ScorerId;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.weights.WeightChunks;

/** Scored groups and critic weights for the advantage-stream tests. */
final class Fixtures {
    static final ModelConfig CRITIC_CONFIG = ModelConfig.of(CharTokenizer.forBuiltInTask().vocabSize(), 96, 1, 32, 2);
    static final List<Integer> PROMPT = List.of(CharTokenizer.BOS, 3, 4, 5);

    private Fixtures() {
    }

    /** Encoded weights of a freshly initialised critic; different seeds give different values. */
    static byte[] criticWeights(long seed) {
        try (ValueModel critic = ValueModel.initialise(CRITIC_CONFIG, seed)) {
            return critic.encodeWeights();
        }
    }

    /** The chunks of a critic version, small chunks so that several are needed. */
    static List<WeightChunk> criticChunks(long version, byte[] payload) {
        return criticChunks(version, payload, Instant.EPOCH);
    }

    /** The chunks of a critic version published by a learner that started at {@code publisherStartedAt}. */
    static List<WeightChunk> criticChunks(long version, byte[] payload, Instant publisherStartedAt) {
        return WeightChunks.split(new WeightChunks.Header("critic", ModelRole.CRITIC, version, "djl-test", Map.of(),
            publisherStartedAt), payload, 16 * 1024, Instant.now());
    }

    /** A group with one response per entry of {@code lengths}; the first {@code correct} are rewarded 1. */
    static ScoredGroup group(String id, int[] lengths, int correct) {
        List<SampledResponse> responses = new ArrayList<>();
        List<ResponseScore> scores = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            List<Integer> tokens = new ArrayList<>();
            List<Float> logProbs = new ArrayList<>();
            for (int t = 0; t < lengths[i]; t++) {
                tokens.add(3 + (t * 7 + i) % 12);
                logProbs.add(-0.5f);
            }
            responses.add(SampledResponse.newBuilder().setTokens(tokens).setText("x").setBehaviourLogProbs(logProbs)
                .setFinishReason(FinishReason.EOS).build());
            boolean right = i < correct;
            scores.add(ResponseScore.newBuilder().setReward(right ? 1.0 : 0.0).setCorrect(right).setFormatError(false).build());
        }
        ResponseGroup rollout = ResponseGroup.newBuilder().setPromptId(id).setPromptText("p").setAnswer("1")
            .setPromptTokens(PROMPT).setPolicyVersion(4).setModelName("policy")
            .setSampling(SamplingSettings.newBuilder().setTemperature(1f).setMaxNewTokens(64).build())
            .setResponses(responses).setGeneratorId("gen-test").setAdmittedAtVersion(3).setCreatedAtMs(Instant.now())
            .build();
        return ScoredGroup.newBuilder().setRollout(rollout).setScores(scores)
            .setScorers(List.of(ScorerId.newBuilder().setName("correctness").setVersion("1").build()))
            .setScoredAtMs(Instant.now()).build();
    }

    static List<List<Integer>> tokensOf(ScoredGroup group) {
        return group.getRollout().getResponses().stream().map(SampledResponse::getTokens).toList();
    }
}
