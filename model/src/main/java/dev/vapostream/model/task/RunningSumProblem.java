package dev.vapostream.model.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in task: add up a list of signed one-digit numbers. The prompt is the expression
 * followed by '=', e.g. {@code 3+5-2+7=}. The reference solution rewrites the expression once
 * per step, replacing its first two numbers by their sum, until one number is left, which is
 * the answer after '#': {@code 8-2+7;6+7;#13}. Each step is one local addition plus a verbatim
 * copy of the rest of the previous line, so nothing has to be looked up by counting positions
 * in the prompt; the work (and the number of chances to slip) grows with the square of the
 * number of terms.
 */
public final class RunningSumProblem {

    public static final int MIN_TERMS = 1;
    public static final int MAX_TERMS = 10;
    /**
     * Longest reference response in tokens, EOS included: the line left with k numbers (k = 9..2)
     * is a total of at most 3 characters ("-80"), k - 1 signed digits and ';' = 2k + 2 tokens,
     * 104 in all, then "#-80" and EOS.
     */
    public static final int MAX_RESPONSE_TOKENS = 104 + 4 + 1;
    /** Longest prompt in tokens, BOS included: 10 signed digits, the first unsigned, then '='. */
    public static final int MAX_PROMPT_TOKENS = 1 + 10 * 2 - 1 + 1;

    private final int[] terms;

    /** @param terms the numbers in order: first in 1..9, the others in -9..-1 or 1..9 */
    public RunningSumProblem(int[] terms) {
        if (terms.length < MIN_TERMS || terms.length > MAX_TERMS) {
            throw new IllegalArgumentException("a problem has " + MIN_TERMS + ".." + MAX_TERMS + " terms, got " + terms.length);
        }
        if (terms[0] < 1 || terms[0] > 9) {
            throw new IllegalArgumentException("the first term must be in 1..9, was " + terms[0]);
        }
        for (int i = 1; i < terms.length; i++) {
            if (terms[i] == 0 || Math.abs(terms[i]) > 9) {
                throw new IllegalArgumentException("terms after the first must be in -9..-1 or 1..9, was " + terms[i]);
            }
        }
        this.terms = terms.clone();
    }

    /** Parses a prompt such as {@code 3+5-2=} back into its problem. */
    public static RunningSumProblem parse(String prompt) {
        if (!prompt.matches("[1-9]([+-][1-9])*=")) {
            throw new IllegalArgumentException("not a running-sum prompt: " + prompt);
        }
        List<Integer> terms = new ArrayList<>();
        terms.add(prompt.charAt(0) - '0');
        for (int i = 1; i + 1 < prompt.length(); i += 2) {
            int digit = prompt.charAt(i + 1) - '0';
            terms.add(prompt.charAt(i) == '-' ? -digit : digit);
        }
        return new RunningSumProblem(terms.stream().mapToInt(Integer::intValue).toArray());
    }

    public int termCount() {
        return terms.length;
    }

    public LengthBucket bucket() {
        return LengthBucket.ofTerms(terms.length);
    }

    public String prompt() {
        StringBuilder prompt = new StringBuilder().append(terms[0]);
        for (int i = 1; i < terms.length; i++) {
            appendSigned(prompt, terms[i]);
        }
        return prompt.append('=').toString();
    }

    public String answer() {
        int total = 0;
        for (int term : terms) {
            total += term;
        }
        return Integer.toString(total);
    }

    /** The reference chain of thought plus {@code #answer}, the supervised pretraining target. */
    public String workedSolution() {
        StringBuilder solution = new StringBuilder();
        int total = terms[0];
        // Lines are written while at least two numbers remain after the merge.
        for (int merged = 1; merged < terms.length - 1; merged++) {
            total += terms[merged];
            solution.append(total);
            for (int rest = merged + 1; rest < terms.length; rest++) {
                appendSigned(solution, terms[rest]);
            }
            solution.append(';');
        }
        if (terms.length > 1) {
            total += terms[terms.length - 1];
        }
        return solution.append('#').append(total).toString();
    }

    public TaskExample toExample(String id) {
        return new TaskExample(id, prompt(), answer());
    }

    private static void appendSigned(StringBuilder text, int term) {
        text.append(term < 0 ? '-' : '+').append(Math.abs(term));
    }
}
