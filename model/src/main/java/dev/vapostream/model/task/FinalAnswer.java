package dev.vapostream.model.task;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The answer contract shared with the scorer stage: a response's final answer is the text after
 * the LAST '#' in the response, trimmed, and it must match {@code -?[0-9]+}. No '#', or anything
 * else after the last '#', is a format error. Answers are compared as integers, so "007" and "7"
 * are the same answer (the worked solutions always write the canonical form).
 */
public final class FinalAnswer {

    static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

    /** How a response fares against the ground truth. */
    public enum Verdict {
        CORRECT,
        WRONG,
        FORMAT_ERROR
    }

    private FinalAnswer() {
    }

    /** The final answer of a response, or empty when the response breaks the format. */
    public static Optional<String> extract(String response) {
        int hash = response.lastIndexOf('#');
        if (hash < 0) {
            return Optional.empty();
        }
        String answer = response.substring(hash + 1).trim();
        return INTEGER.matcher(answer).matches() ? Optional.of(answer) : Optional.empty();
    }

    public static Verdict judge(String response, String groundTruth) {
        Optional<String> answer = extract(response);
        if (answer.isEmpty()) {
            return Verdict.FORMAT_ERROR;
        }
        return new BigInteger(answer.get()).equals(new BigInteger(groundTruth)) ? Verdict.CORRECT : Verdict.WRONG;
    }
}
