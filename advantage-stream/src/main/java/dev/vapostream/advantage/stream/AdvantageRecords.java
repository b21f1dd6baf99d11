package dev.vapostream.advantage.stream;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.PackedResponseArrays;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.packed.PackedArrays;
import dev.vapostream.schemas.packed.ResponseArrays;

/** Builds {@link AdvantageGroup} records from computed signals. */
public final class AdvantageRecords {
    private AdvantageRecords() {
    }

    /** The advantage record of a scored group, in wire format 2 (per-token arrays packed). */
    public static AdvantageGroup of(ScoredGroup group, EstimatorSettings settings, Long criticVersion,
                                    List<ResponseSignals> signals) {
        ResponseGroup rollout = group.getRollout();
        List<ResponseAdvantage> responses = new ArrayList<>(signals.size());
        for (int i = 0; i < signals.size(); i++) {
            SampledResponse r = rollout.getResponses().get(i);
            responses.add(response(signals.get(i), PackedArrays.ofInts(r.getTokens()),
                PackedArrays.ofFloats(r.getBehaviourLogProbs())).setFinishReason(r.getFinishReason())
                .setReward(group.getScores().get(i).getReward()).setCorrect(group.getScores().get(i).getCorrect())
                .build());
        }
        return AdvantageGroup.newBuilder()
            .setPromptId(rollout.getPromptId()).setPromptTokens(rollout.getPromptTokens())
            .setPolicyVersion(rollout.getPolicyVersion()).setCriticVersion(criticVersion)
            .setSettings(settings.toRecord()).setResponses(responses)
            .setAdmittedAtVersion(rollout.getAdmittedAtVersion()).setComputedAtMs(Instant.now())
            .build();
    }

    /**
     * A recorded advantage group (either wire format) with its advantages and returns recomputed
     * under {@code settings}, in wire format 2.
     */
    public static AdvantageGroup recomputed(AdvantageGroup recorded, EstimatorSettings settings,
                                            List<ResponseSignals> signals) {
        List<ResponseAdvantage> responses = new ArrayList<>(signals.size());
        for (int i = 0; i < signals.size(); i++) {
            ResponseAdvantage old = recorded.getResponses().get(i);
            ResponseArrays arrays = ResponseArrays.of(old);
            responses.add(response(signals.get(i), PackedArrays.ofInts(arrays.tokens()),
                PackedArrays.ofFloats(arrays.behaviourLogProbs())).setFinishReason(old.getFinishReason())
                .setReward(old.getReward()).setCorrect(old.getCorrect()).build());
        }
        return AdvantageGroup.newBuilder(recorded).setSettings(settings.toRecord()).setResponses(responses)
            .setComputedAtMs(Instant.now()).build();
    }

    private static ResponseAdvantage.Builder response(ResponseSignals s, ByteBuffer tokens, ByteBuffer behaviourLogProbs) {
        PackedResponseArrays packed = PackedResponseArrays.newBuilder().setTokens(tokens)
            .setBehaviourLogProbs(behaviourLogProbs).setValues(PackedArrays.ofFloats(s.values()))
            .setAdvantages(PackedArrays.ofFloats(s.advantages())).setReturns(PackedArrays.ofFloats(s.returns())).build();
        return ResponseAdvantage.newBuilder().setLambdaPolicy(s.lambdaPolicy()).setPacked(packed);
    }
}
