package dev.vapostream.advantage.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.packed.ResponseArrays;
import org.junit.jupiter.api.Test;

class AdvantageRecordsTest {
    @Test
    void aGroupRecordedInWireFormat1IsRecomputedIntoFormat2KeepingItsTokensAndLogProbs() {
        // Given a group recorded before 2026-12-06: the per-token arrays as Avro arrays
        ResponseAdvantage old = ResponseAdvantage.newBuilder().setTokens(List.of(5, 6, 2)).setBehaviourLogProbs(List.of(-0.5f,
                -0.25f, -1f)).setFinishReason(FinishReason.EOS).setReward(1).setCorrect(true).setLambdaPolicy(0.9)
            .setValues(List.of(0.1f, 0.2f, 0.3f)).setAdvantages(List.of(0.9f, 0.8f, 0.7f)).setReturns(List.of(1f, 1f, 1f))
            .build();
        AdvantageGroup recorded = AdvantageGroup.newBuilder().setPromptId("run/7").setPromptTokens(List.of(1, 4))
            .setPolicyVersion(3).setCriticVersion(2L).setSettings(EstimatorSettings.vapo().toRecord())
            .setResponses(List.of(old)).setComputedAtMs(Instant.EPOCH).build();
        ResponseSignals signals = new ResponseSignals(0.5, new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.4f, 0.3f, 0.2f},
            new float[] {1f, 1f, 1f});
        // When its advantages are recomputed (vapo replay --from advantages)
        AdvantageGroup replayed = AdvantageRecords.recomputed(recorded, EstimatorSettings.vapo(), List.of(signals));
        // Then the new record is format 2 and carries the recorded tokens and log-probs with the new signals
        ResponseAdvantage r = replayed.getResponses().get(0);
        assertNotNull(r.getPacked());
        assertTrue(r.getTokens().isEmpty() && r.getValues().isEmpty());
        ResponseArrays arrays = ResponseArrays.of(r);
        assertArrayEquals(new int[] {5, 6, 2}, arrays.tokens());
        assertArrayEquals(new float[] {-0.5f, -0.25f, -1f}, arrays.behaviourLogProbs());
        assertArrayEquals(signals.advantages(), arrays.advantages());
        assertArrayEquals(signals.values(), arrays.values());
        assertEquals(0.5, r.getLambdaPolicy());
        assertEquals(FinishReason.EOS, r.getFinishReason());
    }
}
