package dev.vapostream.scorer.examples.stepcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;
import dev.vapostream.scorer.api.ScorerSettings;

/**
 * A process reward for the built-in running-sum task: checks every line {@code a+b=c;} of the
 * chain of thought (right when {@code c} is the last digit of {@code a+b}; {@code a-b=c;} is
 * checked the same way) and gives {@code -penalty * wrongSteps / steps}
 * (0 when there are no steps). It has no opinion on the final answer, so it returns
 * {@link Score#of} and leaves correctness to the {@code correctness} scorer.
 *
 * <p>Setting: {@code scorer.step-check.penalty} (default 0.1).
 */
public final class StepCheckScorer implements Scorer {
    private static final Pattern STEP = Pattern.compile("([0-9]+)([+-])([0-9]+)=([0-9]+);");
    private static final double DEFAULT_PENALTY = 0.1;
    private final double penalty;

    /** ServiceLoader needs a public no-argument constructor; settings arrive through {@link #configure}. */
    public StepCheckScorer() {
        this(DEFAULT_PENALTY);
    }

    private StepCheckScorer(double penalty) {
        this.penalty = penalty;
    }

    @Override
    public String name() {
        return "step-check";
    }

    @Override
    public String version() {
        // The penalty changes the scores, so it is part of the version recorded with them.
        return "2(penalty=" + penalty + ")";
    }

    @Override
    public Scorer configure(ScorerSettings settings) {
        double p = settings.getDouble("penalty").orElse(DEFAULT_PENALTY);
        if (p < 0) {
            throw new IllegalArgumentException(settings.propertyName("penalty") + " must not be negative, got " + p);
        }
        return new StepCheckScorer(p);
    }

    @Override
    public List<Score> score(ResponseGroup group) {
        List<Score> scores = new ArrayList<>(group.getResponses().size());
        for (SampledResponse response : group.getResponses()) {
            double wrong = wrongStepFraction(response.getText());
            scores.add(Score.of(wrong == 0.0 ? 0.0 : -penalty * wrong));
        }
        return scores;
    }

    /** Fraction of the arithmetic steps in {@code text} that are wrong; 0 if there are none. */
    static double wrongStepFraction(String text) {
        Matcher m = STEP.matcher(text);
        int steps = 0;
        int wrong = 0;
        while (m.find()) {
            steps++;
            try {
                long a = Long.parseLong(m.group(1));
                long b = Long.parseLong(m.group(3));
                long c = Long.parseLong(m.group(4));
                if (Math.floorMod(m.group(2).equals("+") ? a + b : a - b, 10) != c) {
                    wrong++;
                }
            } catch (NumberFormatException tooLong) {
                wrong++;
            }
        }
        return steps == 0 ? 0.0 : (double) wrong / steps;
    }
}
