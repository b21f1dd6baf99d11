package dev.vapostream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ResponseScore;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;
import org.junit.jupiter.api.Test;

class ScoredGroupsTest {

    private static Scorer named(String name) {
        return new Scorer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String version() {
                return "v";
            }

            @Override
            public List<Score> score(ResponseGroup group) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static final ResponseGroup GROUP = Groups.group("p", "1", "a", "b", "c");

    @Test
    void rewardsSumAndVerdictsCombineWithinAStage() {
        // Given a verifier and a penalty scoring three responses
        List<Scorer> chain = List.of(named("verify"), named("penalty"));
        List<List<Score>> results = List.of(
            List.of(Score.correct(1.0), Score.incorrect(0.0), Score.formatError(0.0)),
            List.of(Score.of(-0.5), Score.of(0.0), Score.of(-1.0)));
        // When appended to an unscored group
        ScoredGroup out = ScoredGroups.append(ScoredGroups.unscored(GROUP, 5), false, chain, results, 9);
        // Then rewards are sums, correct needs a CORRECT verdict, formatError any FORMAT_ERROR
        assertEquals(List.of(0.5, 0.0, -1.0), out.getScores().stream().map(ResponseScore::getReward).toList());
        assertEquals(List.of(true, false, false), out.getScores().stream().map(ResponseScore::getCorrect).toList());
        assertEquals(List.of(false, false, true), out.getScores().stream().map(ResponseScore::getFormatError).toList());
        assertEquals(List.of("verify", "penalty"), out.getScorers().stream().map(s -> s.getName()).toList());
        assertEquals(9, out.getScoredAtMs().toEpochMilli());
    }

    @Test
    void aStageWithoutVerdictsMarksNothingCorrect() {
        // Given only a penalty scorer When appended Then no response is correct
        ScoredGroup out = ScoredGroups.append(ScoredGroups.unscored(GROUP, 0), false, List.of(named("penalty")),
            List.of(List.of(Score.of(0.0), Score.of(0.0), Score.of(0.0))), 0);
        assertEquals(List.of(false, false, false), out.getScores().stream().map(ResponseScore::getCorrect).toList());
    }

    @Test
    void laterStagesAppendAndAndTheirVerdictsWithEarlierOnes() {
        // Given stage 1 judged responses correct, wrong, correct
        ScoredGroup stage1 = ScoredGroups.append(ScoredGroups.unscored(GROUP, 0), false, List.of(named("verify")),
            List.of(List.of(Score.correct(1.0), Score.incorrect(0.0), Score.correct(1.0))), 1);
        // When stage 2 judges correct, correct, wrong
        ScoredGroup stage2 = ScoredGroups.append(stage1, true, List.of(named("sandbox")),
            List.of(List.of(Score.correct(0.5), Score.correct(0.5), Score.incorrect(0.0))), 2);
        // Then a response is correct only if both said so; components and scorers are appended
        assertEquals(List.of(true, false, false), stage2.getScores().stream().map(ResponseScore::getCorrect).toList());
        assertEquals(List.of(1.5, 0.5, 1.0), stage2.getScores().stream().map(ResponseScore::getReward).toList());
        assertEquals(List.of("verify", "sandbox"),
            stage2.getScores().get(0).getComponents().stream().map(c -> c.getScorer().getName()).toList());
        assertEquals(List.of("verify", "sandbox"), stage2.getScorers().stream().map(s -> s.getName()).toList());
    }

    @Test
    void aLaterVerdictStandsAloneWhenNoEarlierStageJudged() {
        // Given stage 1 only penalised lengths (no verdicts)
        ScoredGroup stage1 = ScoredGroups.append(ScoredGroups.unscored(GROUP, 0), false, List.of(named("penalty")),
            List.of(List.of(Score.of(-0.1), Score.of(0.0), Score.of(0.0))), 1);
        // When stage 2's verifier judges
        ScoredGroup stage2 = ScoredGroups.append(stage1, false, List.of(named("verify")),
            List.of(List.of(Score.correct(1.0), Score.incorrect(0.0), Score.correct(1.0))), 2);
        // Then its verdicts decide
        assertEquals(List.of(true, false, true), stage2.getScores().stream().map(ResponseScore::getCorrect).toList());
    }
}
