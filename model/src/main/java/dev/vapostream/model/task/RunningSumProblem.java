package dev.vapostream.model.task;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in task: the last digit of a sum of one-digit numbers. The prompt is the expression
 * followed by '=', e.g. {@code 3+5+2+7=}; the answer is the sum modulo 10 ({@code 7}). The
 * reference solution adds one term per line to the running digit, {@code 3+5=8;8+2=0;0+7=7;#7}:
 * every line is six characters, so line k always starts at the same response position and reads
 * term k+1 from the same prompt position whatever the problem's length (see docs/task.md for why
 * that matters to a tiny model). The work, and the number of chances to slip, grows with the
 * number of terms.
 */
public final class RunningSumProblem {

    public static final int MIN_TERMS = 2;
    public static final int MAX_TERMS = 10;
    /** Characters of one worked line: digit, '+', digit, '=', digit, ';'. */
    public static final int LINE_LENGTH = 6;
    /** Longest reference response in tokens, EOS included: nine lines, then "#d" and EOS. */
    public static final int MAX_RESPONSE_TOKENS = (MAX_TERMS - 1) * LINE_LENGTH + 2 + 1;
    /** Longest prompt in tokens, BOS included: ten digits, nine '+', then '='. */
    public static final int MAX_PROMPT_TOKENS = 1 + MAX_TERMS * 2 - 1 + 1;

    private final int[] terms;

    /** @param terms the numbers in order, each in 1..9 */
    public RunningSumProblem(int[] terms) {
        if (terms.length < MIN_TERMS || terms.length > MAX_TERMS) {
            throw new IllegalArgumentException("a problem has " + MIN_TERMS + ".." + MAX_TERMS + " terms, got " + terms.length);
        }
        for (int term : terms) {
            if (term < 1 || term > 9) {
                throw new IllegalArgumentException("every term must be in 1..9, was " + term);
            }
        }
        this.terms = terms.clone();
    }

    /** Parses a prompt such as {@code 3+5+2=} back into its problem. */
    public static RunningSumProblem parse(String prompt) {
        if (!prompt.matches("[1-9](\\+[1-9]){" + (MIN_TERMS - 1) + "," + (MAX_TERMS - 1) + "}=")) {
            throw new IllegalArgumentException("not a running-sum prompt (" + MIN_TERMS + ".." + MAX_TERMS
                    + " digits 1-9 joined by '+', then '='): " + prompt);
        }
        List<Integer> terms = new ArrayList<>();
        for (int i = 0; i + 1 < prompt.length(); i += 2) {
            terms.add(prompt.charAt(i) - '0');
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
            prompt.append('+').append(terms[i]);
        }
        return prompt.append('=').toString();
    }

    public String answer() {
        int digit = 0;
        for (int term : terms) {
            digit = (digit + term) % 10;
        }
        return Integer.toString(digit);
    }

    /** The reference chain of thought plus {@code #answer}, the supervised pretraining target. */
    public String workedSolution() {
        return solution(0.0, null);
    }

    /**
     * A solution written by a teacher that knows the method but slips: each line's result is
     * replaced, with probability {@code slipRate}, by another digit drawn uniformly, and the
     * following lines carry on from the slipped digit, as a person's would. The final answer is
     * whatever the last line gave, so a slipped solution is wrong.
     */
    public String sloppySolution(double slipRate, SplittableRandom random) {
        if (!(slipRate >= 0.0 && slipRate < 1.0)) {
            throw new IllegalArgumentException("slipRate must be in [0, 1), was " + slipRate);
        }
        return solution(slipRate, random);
    }

    private String solution(double slipRate, SplittableRandom random) {
        StringBuilder solution = new StringBuilder();
        int digit = terms[0];
        for (int i = 1; i < terms.length; i++) {
            int next = (digit + terms[i]) % 10;
            if (slipRate > 0.0 && random.nextDouble() < slipRate) {
                next = (next + random.nextInt(1, 10)) % 10;
            }
            solution.append(digit).append('+').append(terms[i]).append('=').append(next).append(';');
            digit = next;
        }
        return solution.append('#').append(digit).toString();
    }

    public TaskExample toExample(String id) {
        return new TaskExample(id, prompt(), answer());
    }
}
