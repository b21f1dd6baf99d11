package dev.vapostream.scorer.examples.stepcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.SamplingSettings;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;
import dev.vapostream.scorer.api.ScorerSettings;
import org.junit.jupiter.api.Test;

class StepCheckScorerTest {

    private static ResponseGroup group(String... texts) {
        return ResponseGroup.newBuilder().setPromptId("p").setPromptText("3+5+7=").setAnswer("5").setPromptTokens(List.of())
            .setPolicyVersion(0).setModelName("m")
            .setSampling(SamplingSettings.newBuilder().setTemperature(1f).setMaxNewTokens(64).build())
            .setResponses(Arrays.stream(texts).map(t -> SampledResponse.newBuilder().setTokens(List.of(1))
                .setText(t).setBehaviourLogProbs(List.of(-1f)).setFinishReason(FinishReason.EOS).build()).toList())
            .setGeneratorId("g").setCreatedAtMs(Instant.EPOCH).setMetadata(Map.of()).build();
    }

    @Test
    void isFoundByServiceLoaderUnderItsName() {
        // Given this jar's META-INF/services When scorers are loaded the way the scorer app loads them
        List<String> names = ServiceLoader.load(Scorer.class).stream().map(p -> p.get().name()).toList();
        // Then step-check is among them
        assertEquals(List.of("step-check"), names);
    }

    @Test
    void penalisesTheFractionOfWrongSteps() throws Exception {
        // Given a penalty of 0.5
        Scorer scorer = new StepCheckScorer().configure(new ScorerSettings("step-check", Map.of("penalty", "0.5")));
        // When a right chain (8+7 keeps the last digit 5), a chain with one wrong step of two, one whose
        // step writes the whole sum instead of its last digit, and no chain are scored
        List<Score> scores = scorer.score(group("3+5=8;8+7=5;#5", "3+5=8;8+7=6;#6", "3+5=8;8+7=15;#15", "#5"));
        // Then only the wrong steps cost, in proportion
        assertEquals(List.of(Score.of(0.0), Score.of(-0.25), Score.of(-0.25), Score.of(0.0)), scores);
        assertEquals("2(penalty=0.5)", scorer.version());
    }

    @Test
    void rejectsANegativePenalty() {
        assertThrows(IllegalArgumentException.class,
            () -> new StepCheckScorer().configure(new ScorerSettings("step-check", Map.of("penalty", "-1"))));
    }
}
