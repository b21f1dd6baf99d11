package dev.vapostream.model.task;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A running-sum problem: the last digit of a sum of one-digit numbers. The prompt is the
 * expression followed by '=', e.g. {@code 3+5+2+7=}; the answer is the sum modulo 10 ({@code 7}).
 * The reference solution adds one term per line to the running digit, {@code 3+5=8;8+2=0;0+7=7;#7}:
 * every line is six characters, so line k always starts at the same response position and reads
 * term k+1 from the same prompt position whatever the problem's length (see docs/task.md for why
 * that matters to a tiny model). The work, and the number of chances to err, grows with the
 * number of terms. Each built-in task ({@link BuiltInTask}) uses a range of term counts within
 * {@link #MIN_TERMS}..{@link #MAX_TERMS}.
 */
public final class RunningSumProblem {

    public static final int MIN_TERMS = 2;
    public static final int MAX_TERMS = 16;
    /** Characters of one worked line: digit, '+', digit, '=', digit, ';'. */
    public static final int LINE_LENGTH = 6;

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

    /** Tokens of the prompt of a problem of {@code termCount} terms, BOS included. */
    public static int promptTokens(int termCount) {
        return 1 + 2 * termCount;
    }

    /** Tokens of the reference solution of {@code termCount} terms, EOS included: the lines, then "#d" and EOS. */
    public static int responseTokens(int termCount) {
        return (termCount - 1) * LINE_LENGTH + 2 + 1;
    }

    public int termCount() {
        return terms.length;
    }

    /** Term {@code index} (0-based). */
    public int term(int index) {
        return terms[index];
    }

    public String prompt() {
        StringBuilder prompt = new StringBuilder().append(terms[0]);
        for (int i = 1; i < terms.length; i++) {
            prompt.append('+').append(terms[i]);
        }
        return prompt.append('=').toString();
    }

    public int answerDigit() {
        int digit = 0;
        for (int term : terms) {
            digit = (digit + term) % 10;
        }
        return digit;
    }

    public String answer() {
        return Integer.toString(answerDigit());
    }

    /** The reference chain of thought plus {@code #answer}, the supervised pretraining target. */
    public String workedSolution() {
        return solutionBy(Teacher.EXACT, null);
    }

    /**
     * A solution written by a teacher that knows the method but slips: each line's result is
     * replaced, with probability {@code slipRate}, by another digit drawn uniformly, and the
     * following lines carry on from the slipped digit, as a person's would.
     */
    public String sloppySolution(double slipRate, SplittableRandom random) {
        return solutionBy(Teacher.uniformSlips(slipRate), random);
    }

    /**
     * The chain {@code teacher} writes: each line's result is drawn from the teacher's
     * distribution for that line, and the following lines carry on from the digit written. The
     * final answer is whatever the last line gave. {@code random} may be null for a teacher
     * that never errs.
     */
    public String solutionBy(Teacher teacher, SplittableRandom random) {
        StringBuilder solution = new StringBuilder();
        int digit = terms[0];
        for (int i = 1; i < terms.length; i++) {
            int next = teacher == Teacher.EXACT ? (digit + terms[i]) % 10 : teacher.write(digit, terms[i], random);
            solution.append(digit).append('+').append(terms[i]).append('=').append(next).append(';');
            digit = next;
        }
        return solution.append('#').append(digit).toString();
    }

    /**
     * Probability that {@code teacher}, having written {@code digit} as the result of line
     * {@code linesDone} (the first term for 0), ends the chain on the right answer.
     */
    public double successProbability(Teacher teacher, int digit, int linesDone) {
        double[] dist = new double[10];
        dist[digit] = 1.0;
        for (int i = linesDone + 1; i < terms.length; i++) {
            double[] next = new double[10];
            for (int d = 0; d < 10; d++) {
                if (dist[d] == 0) {
                    continue;
                }
                double[] p = teacher.writes(d, terms[i]);
                for (int e = 0; e < 10; e++) {
                    next[e] += dist[d] * p[e];
                }
            }
            dist = next;
        }
        return dist[answerDigit()];
    }

    /** Probability that {@code teacher} solves this problem. */
    public double successProbability(Teacher teacher) {
        return successProbability(teacher, terms[0], 0);
    }

    public TaskExample toExample(String id) {
        return new TaskExample(id, prompt(), answer());
    }
}
