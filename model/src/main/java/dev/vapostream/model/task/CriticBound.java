package dev.vapostream.model.task;

import java.util.SplittableRandom;

/**
 * How much of the return variance a critic could explain on a built-in task if it knew the
 * base's teacher exactly: the Bayes-optimal value of every response token of teacher-written
 * chains, against their binary rewards, token-weighted as the learner measures explained
 * variance. A trained critic can only approach this bound (docs/task.md, docs/results.md).
 *
 * <p>Token alignment follows the critic's: the value of token t is the estimate before emitting
 * it. A line {@code d+t=e;} has five tokens valued before its result digit is known and one
 * ({@code ;}) after; the closing {@code #}, answer digit and EOS are valued once the chain is
 * complete (1 or 0), as the answer copies the last digit.
 */
public final class CriticBound {

    private CriticBound() {
    }

    /**
     * @param successRate                the teacher's accuracy on the sampled problems
     * @param hardShare                  share of problems tagged hard
     * @param explainedVariance          token-weighted Bayes-optimal explained variance, all problems
     * @param explainedVarianceHard      the same over hard problems only (NaN if their returns never vary)
     * @param tokens                     response tokens scored
     */
    public record Bound(double successRate, double hardShare, double explainedVariance, double explainedVarianceHard,
                        long tokens) {
    }

    /** The bound over {@code problems} random problems of {@code task}, solved by its teacher. */
    public static Bound of(BuiltInTask task, int problems, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Moments all = new Moments();
        Moments hard = new Moments();
        int solved = 0;
        int hardProblems = 0;
        for (int i = 0; i < problems; i++) {
            RunningSumProblem problem = randomProblem(task, random);
            boolean isHard = task.isHard(problem);
            hardProblems += isHard ? 1 : 0;
            double[] values = new double[RunningSumProblem.responseTokens(problem.termCount())];
            int digit = problem.term(0);
            int token = 0;
            for (int line = 1; line < problem.termCount(); line++) {
                double before = problem.successProbability(task.teacher(), digit, line - 1);
                digit = task.teacher().write(digit, problem.term(line), random);
                double after = problem.successProbability(task.teacher(), digit, line);
                for (int k = 0; k < RunningSumProblem.LINE_LENGTH - 1; k++) {
                    values[token++] = before;
                }
                values[token++] = after;
            }
            double reward = digit == problem.answerDigit() ? 1.0 : 0.0;
            solved += (int) reward;
            while (token < values.length) {
                values[token++] = reward;
            }
            all.add(values, reward);
            if (isHard) {
                hard.add(values, reward);
            }
        }
        return new Bound((double) solved / problems, (double) hardProblems / problems, all.explainedVariance(),
            hard.explainedVariance(), all.n);
    }

    private static RunningSumProblem randomProblem(BuiltInTask task, SplittableRandom random) {
        int[] terms = new int[random.nextInt(task.minTerms(), task.maxTerms() + 1)];
        for (int i = 0; i < terms.length; i++) {
            terms[i] = random.nextInt(1, 10);
        }
        return new RunningSumProblem(terms);
    }

    /** Sums for 1 − Var(R − V) / Var(R) over tokens. */
    private static final class Moments {
        private double sumR;
        private double sumR2;
        private double sumD;
        private double sumD2;
        private long n;

        void add(double[] values, double reward) {
            for (double v : values) {
                double d = reward - v;
                sumR += reward;
                sumR2 += reward * reward;
                sumD += d;
                sumD2 += d * d;
                n++;
            }
        }

        double explainedVariance() {
            if (n == 0) {
                return Double.NaN;
            }
            double varR = sumR2 / n - (sumR / n) * (sumR / n);
            double varD = sumD2 / n - (sumD / n) * (sumD / n);
            return varR <= 1e-12 ? Double.NaN : 1 - varD / varR;
        }
    }
}
