package dev.vapostream.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import dev.vapostream.schemas.avro.AdvantageEstimator;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.AdvantageSettings;
import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ResponseScore;
import dev.vapostream.schemas.avro.RewardComponent;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.SamplingSettings;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.ScorerId;
import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.avro.TrainPhase;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.packed.ResponseArrays;
import org.apache.avro.specific.SpecificRecord;

/** One filled-in record of every wire type, with every optional part present. */
final class SampleRecords {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    private SampleRecords() {
    }

    static Prompt prompt(String id) {
        return Prompt.newBuilder().setId(id).setText("S 3 5 9 ?").setAnswer("17").setDataset("running-sum")
            .setAdmittedAtMs(NOW).setAdmittedAtVersion(3).setMetadata(Map.of("terms", "3")).build();
    }

    static ResponseGroup responseGroup() {
        SampledResponse eos = SampledResponse.newBuilder().setTokens(List.of(4, 7, 2, 1)).setText("3+5=8 #8")
            .setBehaviourLogProbs(List.of(-0.1f, -0.2f, -0.3f, -0.05f)).setFinishReason(FinishReason.EOS).build();
        SampledResponse cut = SampledResponse.newBuilder().setTokens(List.of(4, 4)).setText("33")
            .setBehaviourLogProbs(List.of(-1.5f, -2.5f)).setFinishReason(FinishReason.MAX_LENGTH).build();
        return ResponseGroup.newBuilder().setPromptId("p-1").setPromptText("S 3 5 ?").setAnswer("8")
            .setPromptTokens(List.of(0, 11, 12)).setPolicyVersion(7).setModelName("policy")
            .setSampling(SamplingSettings.newBuilder().setTemperature(1.0f).setTopP(0.95f).setMaxNewTokens(128)
                .setSeed(42L).build())
            .setResponses(List.of(eos, cut)).setGeneratorId("gen-0").setAdmittedAtVersion(6)
            .setCreatedAtMs(NOW).setMetadata(Map.of()).build();
    }

    static ScoredGroup scoredGroup() {
        ScorerId correctness = ScorerId.newBuilder().setName("correctness").setVersion("1").build();
        RewardComponent one = RewardComponent.newBuilder().setScorer(correctness).setValue(1.0).build();
        RewardComponent zero = RewardComponent.newBuilder().setScorer(correctness).setValue(0.0).build();
        return ScoredGroup.newBuilder().setRollout(responseGroup())
            .setScores(List.of(
                ResponseScore.newBuilder().setReward(1.0).setCorrect(true).setFormatError(false).setComponents(List.of(one)).build(),
                ResponseScore.newBuilder().setReward(0.0).setCorrect(false).setFormatError(true).setComponents(List.of(zero)).build()))
            .setScorers(List.of(correctness)).setScoredAtMs(NOW).build();
    }

    static AdvantageGroup advantageGroup() {
        ResponseAdvantage r = ResponseAdvantage.newBuilder().setFinishReason(FinishReason.EOS).setReward(1.0).setCorrect(true)
            .setLambdaPolicy(0.0).setPacked(new ResponseArrays(new int[] {4, 7}, new float[] {-0.1f, -0.2f},
                new float[] {0.4f, 0.6f}, new float[] {0.2f, 0.4f}, new float[] {1.0f, 1.0f}).packed()).build();
        return AdvantageGroup.newBuilder().setPromptId("p-1").setPromptTokens(List.of(0, 11)).setPolicyVersion(7)
            .setCriticVersion(5L)
            .setSettings(AdvantageSettings.newBuilder().setEstimator(AdvantageEstimator.VAPO).setGamma(1.0)
                .setLambdaCritic(1.0).setLambdaPolicy(0.95).setAlpha(0.05).build())
            .setResponses(List.of(r)).setAdmittedAtVersion(6).setComputedAtMs(NOW).build();
    }

    static WeightChunk weightChunk() {
        return WeightChunk.newBuilder().setModelName("policy").setRole(ModelRole.POLICY).setVersion(9).setChunkIndex(1)
            .setChunkCount(3).setTotalBytes(10).setSha256("ab".repeat(32)).setFormat("djl-ndlist-v1")
            .setArchitecture(Map.of("layers", "2", "width", "64"))
            .setData(ByteBuffer.wrap(new byte[] {1, 2, 3, -4})).setPublishedAtMs(NOW).build();
    }

    static TrainMetrics trainMetrics() {
        return TrainMetrics.newBuilder().setRunId("run-1").setStep(12).setPhase(TrainPhase.POLICY).setPolicyVersion(12)
            .setTimestampMs(NOW).setRewardMean(0.4).setAccuracy(0.4).setHeldOutAccuracy(0.35)
            .setResponseLengthMean(40.5).setResponseLengthMax(130).setEntropy(0.8).setClipFractionLow(0.01)
            .setClipFractionHigh(0.02).setApproxKl(0.003).setPolicyLoss(-0.01).setLmLoss(0.9).setValueLoss(0.05)
            .setExplainedVariance(0.3).setVersionLagMin(0).setVersionLagMean(1.5).setVersionLagMax(3)
            .setTokensPerSecond(12000).setDroppedGroups(1).setCorrectedGroups(2).setExtra(Map.of("lr", 1e-4)).build();
    }

    /** A sample for the value type of each topic, in {@link Topics#ALL} order. */
    static List<SpecificRecord> forEveryTopic() {
        return List.of(prompt("p-1"), responseGroup(), scoredGroup(), advantageGroup(), weightChunk(), trainMetrics());
    }
}
