package dev.vapostream.advantage.stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.ScoredGroup;

/** Builds {@link AdvantageGroup} records from computed signals. */
public final class AdvantageRecords {
    private AdvantageRecords() {
    }

    /** The advantage record of a scored group. */
    public static AdvantageGroup of(ScoredGroup group, EstimatorSettings settings, Long criticVersion,
                                    List<ResponseSignals> signals) {
        ResponseGroup rollout = group.getRollout();
        List<ResponseAdvantage> responses = new ArrayList<>(signals.size());
        for (int i = 0; i < signals.size(); i++) {
            SampledResponse r = rollout.getResponses().get(i);
            responses.add(response(signals.get(i)).setTokens(r.getTokens())
                .setBehaviourLogProbs(r.getBehaviourLogProbs()).setFinishReason(r.getFinishReason())
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

    /** A recorded advantage group with its advantages and returns recomputed under {@code settings}. */
    public static AdvantageGroup recomputed(AdvantageGroup recorded, EstimatorSettings settings,
                                            List<ResponseSignals> signals) {
        List<ResponseAdvantage> responses = new ArrayList<>(signals.size());
        for (int i = 0; i < signals.size(); i++) {
            ResponseAdvantage old = recorded.getResponses().get(i);
            responses.add(response(signals.get(i)).setTokens(old.getTokens())
                .setBehaviourLogProbs(old.getBehaviourLogProbs()).setFinishReason(old.getFinishReason())
                .setReward(old.getReward()).setCorrect(old.getCorrect()).build());
        }
        return AdvantageGroup.newBuilder(recorded).setSettings(settings.toRecord()).setResponses(responses)
            .setComputedAtMs(Instant.now()).build();
    }

    private static ResponseAdvantage.Builder response(ResponseSignals s) {
        return ResponseAdvantage.newBuilder().setLambdaPolicy(s.lambdaPolicy())
            .setValues(FloatLists.of(s.values())).setAdvantages(FloatLists.of(s.advantages()))
            .setReturns(FloatLists.of(s.returns()));
    }
}
