package dev.vapostream.scorer.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.SamplingSettings;
import dev.vapostream.scorer.api.BadGroupException;
import dev.vapostream.scorer.api.Score;
import org.junit.jupiter.api.Test;

class CorrectnessScorerTest {
    private final CorrectnessScorer scorer = new CorrectnessScorer();

    static ResponseGroup group(String answer, String... texts) {
        return ResponseGroup.newBuilder().setPromptId("p1").setPromptText("q").setAnswer(answer).setPromptTokens(List.of())
            .setPolicyVersion(0).setModelName("m")
            .setSampling(SamplingSettings.newBuilder().setTemperature(1f).setMaxNewTokens(64).build())
            .setResponses(java.util.Arrays.stream(texts).map(t -> SampledResponse.newBuilder().setTokens(List.of(1, 2))
                .setText(t).setBehaviourLogProbs(List.of(-1f, -1f)).setFinishReason(FinishReason.EOS).build()).toList())
            .setGeneratorId("g").setCreatedAtMs(Instant.EPOCH).setMetadata(Map.of()).build();
    }

    @Test
    void rewardsOneForTheRightAnswerAndZeroOtherwise() throws Exception {
        // Given ground truth 42 and a right, a wrong, a leading-zero and two unparsable responses
        ResponseGroup g = group("42", "so # 42", "# 41", "# 0042", "I think 42", "# forty-two");
        // When scored
        List<Score> scores = scorer.score(g);
        // Then only the integer-equal answers score 1, and unparsable ones are format errors worth 0
        assertEquals(List.of(Score.correct(1.0), Score.incorrect(0.0), Score.correct(1.0), Score.formatError(0.0),
            Score.formatError(0.0)), scores);
    }

    @Test
    void groundTruthIsComparedAsAnInteger() throws Exception {
        // Given a ground truth written with padding and a leading zero
        ResponseGroup g = group(" 007 ", "#7", "#-7");
        // When scored Then 7 matches and -7 does not
        assertEquals(List.of(Score.correct(1.0), Score.incorrect(0.0)), scorer.score(g));
    }

    @Test
    void aGroundTruthThatIsNotAnIntegerIsBadInput() {
        // Given a ground truth that is not an integer
        ResponseGroup g = group("3/4", "# 3");
        // When scored Then the group is rejected, naming the prompt, rather than scored 0
        BadGroupException e = assertThrows(BadGroupException.class, () -> scorer.score(g));
        assertTrue(e.getMessage().contains("3/4") && e.getMessage().contains("p1"), e.getMessage());
    }
}
