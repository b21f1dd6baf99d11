package dev.vapostream.scorer.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.SamplingSettings;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;
import dev.vapostream.scorer.api.ScorerSettings;
import org.junit.jupiter.api.Test;

class OverlongScorerTest {

    static ResponseGroup groupOfLengths(int maxNewTokens, int... lengths) {
        List<SampledResponse> responses = new ArrayList<>();
        for (int length : lengths) {
            responses.add(SampledResponse.newBuilder().setTokens(new ArrayList<>(Collections.nCopies(length, 5))).setText("# 1")
                .setBehaviourLogProbs(new ArrayList<>(Collections.nCopies(length, -1f))).setFinishReason(FinishReason.EOS).build());
        }
        return ResponseGroup.newBuilder().setPromptId("p").setPromptText("q").setAnswer("1").setPromptTokens(List.of())
            .setPolicyVersion(0).setModelName("m")
            .setSampling(SamplingSettings.newBuilder().setTemperature(1f).setMaxNewTokens(maxNewTokens).build())
            .setResponses(responses).setGeneratorId("g").setCreatedAtMs(Instant.EPOCH).setMetadata(Map.of()).build();
    }

    private static Scorer configured(Map<String, String> settings) {
        return new OverlongScorer().configure(new ScorerSettings("overlong", settings));
    }

    @Test
    void penaltyIsZeroThenLinearDownToMinusOneAtLMax() throws Exception {
        // Given L_max = 100 and L_cache = 40
        Scorer scorer = configured(Map.of("max-tokens", "100", "cache-tokens", "40"));
        // When responses of 10, 60, 70, 80, 100 and 130 tokens are scored
        List<Score> scores = scorer.score(groupOfLengths(512, 10, 60, 70, 80, 100, 130));
        // Then 0 up to 60 tokens, -(l - 60)/40 up to 100, -1 beyond; no verdict on correctness
        assertEquals(List.of(Score.of(0.0), Score.of(0.0), Score.of(-0.25), Score.of(-0.5), Score.of(-1.0), Score.of(-1.0)), scores);
        assertEquals("1(max-tokens=100,cache-tokens=40)", scorer.version());
    }

    @Test
    void defaultsToTheGroupsLengthLimitAndATwentyPercentCache() throws Exception {
        // Given no settings and groups sampled with maxNewTokens 50 (cache 10)
        Scorer scorer = configured(Map.of());
        // When scored
        List<Score> scores = scorer.score(groupOfLengths(50, 40, 45, 50));
        // Then the penalty starts after 40 tokens and reaches -1 at 50
        assertEquals(List.of(Score.of(0.0), Score.of(-0.5), Score.of(-1.0)), scores);
        assertEquals("1(max-tokens=group,cache-tokens=20%)", scorer.version());
    }

    @Test
    void rejectsACacheLongerThanTheLimit() {
        // Given a cache longer than L_max When configured Then the error names both settings
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> configured(Map.of("max-tokens", "10", "cache-tokens", "11")));
        assertTrue(e.getMessage().contains("scorer.overlong.cache-tokens") && e.getMessage().contains("scorer.overlong.max-tokens"),
            e.getMessage());
    }

    @Test
    void rejectsANonNumericSetting() {
        // Given a setting that is not a number When configured Then the error names the property
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> configured(Map.of("max-tokens", "lots")));
        assertTrue(e.getMessage().contains("scorer.overlong.max-tokens"), e.getMessage());
    }
}
