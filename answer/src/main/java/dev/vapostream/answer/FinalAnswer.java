package dev.vapostream.answer;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The built-in tasks' answer contract, shared by the task (which writes worked solutions and
 * evaluates policies) and the correctness scorer: a response's final answer is the text after the
 * LAST '#' of the response, trimmed, and it must match {@code -?[0-9]+}. No '#', or anything else
 * after the last '#', is a format error. Answers are compared as integers, so "007" equals "7" and
 * "-0" equals "0".
 */
public final class FinalAnswer {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

    /** How a response fares against the ground truth. */
    public enum Verdict {
        CORRECT,
        WRONG,
        FORMAT_ERROR
    }

    private FinalAnswer() {
    }

    /** The integer after the last '#', or empty when there is no '#' or no integer after it. */
    public static Optional<BigInteger> extract(String responseText) {
        if (responseText == null) {
            return Optional.empty();
        }
        int hash = responseText.lastIndexOf('#');
        if (hash < 0) {
            return Optional.empty();
        }
        return parseInteger(responseText.substring(hash + 1));
    }

    /** {@code text}, trimmed, as an integer if it matches {@code -?[0-9]+}. */
    public static Optional<BigInteger> parseInteger(String text) {
        String trimmed = text.trim();
        return INTEGER.matcher(trimmed).matches() ? Optional.of(new BigInteger(trimmed)) : Optional.empty();
    }

    /** Whether {@code text} is an answer as written, untrimmed: {@code -?[0-9]+}. */
    public static boolean isInteger(String text) {
        return text != null && INTEGER.matcher(text).matches();
    }

    /** The response's verdict against {@code groundTruth}, itself an integer answer. */
    public static Verdict judge(String response, String groundTruth) {
        Optional<BigInteger> answer = extract(response);
        if (answer.isEmpty()) {
            return Verdict.FORMAT_ERROR;
        }
        return answer.get().equals(new BigInteger(groundTruth.trim())) ? Verdict.CORRECT : Verdict.WRONG;
    }
}
