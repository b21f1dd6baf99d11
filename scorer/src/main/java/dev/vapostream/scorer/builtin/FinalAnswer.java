package dev.vapostream.scorer.builtin;

import java.math.BigInteger;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The built-in task's answer format, shared with the task definition: the final answer is the
 * text after the LAST '#' of the response, trimmed, and must match {@code -?[0-9]+}. Answers are
 * compared as integers, so "007" equals "7" and "-0" equals "0".
 */
public final class FinalAnswer {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

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
}
