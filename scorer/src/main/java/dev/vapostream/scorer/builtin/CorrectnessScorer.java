package dev.vapostream.scorer.builtin;

import dev.vapostream.answer.FinalAnswer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.scorer.api.BadGroupException;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;

/**
 * Binary outcome reward: 1 when the response's {@link FinalAnswer} equals the group's ground
 * truth ({@code ResponseGroup.answer}) as an integer, else 0. A response with no parsable final
 * answer scores 0 with a format-error verdict. A ground truth that is not an integer is bad input:
 * the group goes to the dead-letter topic.
 */
public final class CorrectnessScorer implements Scorer {
    public static final String NAME = "correctness";
    public static final String VERSION = "1";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return VERSION;
    }

    @Override
    public List<Score> score(ResponseGroup group) throws BadGroupException {
        BigInteger truth = FinalAnswer.parseInteger(group.getAnswer()).orElseThrow(() -> new BadGroupException(
            "ground truth '" + group.getAnswer() + "' of prompt " + group.getPromptId() + " is not an integer"));
        List<Score> scores = new ArrayList<>(group.getResponses().size());
        for (SampledResponse response : group.getResponses()) {
            Optional<BigInteger> answer = FinalAnswer.extract(response.getText());
            if (answer.isEmpty()) {
                scores.add(Score.formatError(0.0));
            } else if (answer.get().equals(truth)) {
                scores.add(Score.correct(1.0));
            } else {
                scores.add(Score.incorrect(0.0));
            }
        }
        return scores;
    }
}
