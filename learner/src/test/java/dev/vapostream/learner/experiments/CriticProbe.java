package dev.vapostream.learner.experiments;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import dev.vapostream.learner.algo.TrainingBatch;
import dev.vapostream.learner.algo.Whitening;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.RunningSumProblem;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.tokenizer.CharTokenizer;

/**
 * What a critic could explain of the <em>base policy's</em> returns (the task's bound is computed
 * on its teacher's chains): samples {@code train} and {@code test} batches of P 8 × G 16 from the
 * base, then reports the test explained variance (token-weighted, against Monte-Carlo returns) of
 * predictors that need no network: the teacher's Bayes-optimal values along the written chain,
 * and tables of mean return fitted on the training samples, keyed by what a critic could know
 * (term count and line; plus whether the chain has gone wrong so far). Not a test: a main, run
 * by hand. Keys: task, weights, data, train, test, seed.
 */
public final class CriticProbe {
    private CriticProbe() {
    }

    public static void main(String[] argv) throws Exception {
        ExperimentArgs a = ExperimentArgs.parse(argv);
        BuiltInTask task = a.task();
        int trainBatches = a.integer("train", 60);
        int testBatches = a.integer("test", 8);
        long seed = a.longInteger("seed", 1);
        List<TaskExample> examples = a.trainExamples();
        CharTokenizer tokenizer = BuiltInTask.tokenizer();
        List<TrainingBatch> fit = new ArrayList<>();
        List<TrainingBatch> test = new ArrayList<>();
        try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(a.baseWeights()))) {
            Sampler sampler = new Sampler(policy);
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < trainBatches; i++) {
                fit.add(CriticFit.sample(sampler, examples, tokenizer, task, random));
            }
            for (int i = 0; i < testBatches; i++) {
                test.add(CriticFit.sample(sampler, examples, tokenizer, task, random));
            }
        }
        List<TrainingBatch> bayes = test.stream().map(b -> CriticFit.withBayesTargets(b, task, tokenizer)).toList();
        System.out.printf(Locale.ROOT, "base success on test %.3f%n", successRate(test));
        System.out.printf(Locale.ROOT, "teacher's Bayes values as predictions: test ev %.3f%n",
            ev(test, rows(bayes, TrainingBatch::returns)));
        for (boolean withError : new boolean[] {false, true}) {
            Map<Long, double[]> table = fitTable(fit, tokenizer, withError);
            System.out.printf(Locale.ROOT, "table of mean return by term count, line%s: test ev %.3f, train ev %.3f%n",
                withError ? ", gone wrong so far" : "", ev(test, predict(table, test, tokenizer, withError)),
                ev(fit, predict(table, fit, tokenizer, withError)));
        }
    }

    private interface Field {
        float[][] of(TrainingBatch b);
    }

    private static List<float[]> rows(List<TrainingBatch> batches, Field field) {
        List<float[]> out = new ArrayList<>();
        batches.forEach(b -> out.addAll(List.of(field.of(b))));
        return out;
    }

    private static double ev(List<TrainingBatch> batches, List<float[]> predictions) {
        float[][] returns = rows(batches, TrainingBatch::returns).toArray(new float[0][]);
        int[] lengths = new int[returns.length];
        for (int i = 0; i < returns.length; i++) {
            lengths[i] = returns[i].length;
        }
        return Whitening.explainedVariance(returns, predictions.toArray(new float[0][]), lengths);
    }

    private static double successRate(List<TrainingBatch> batches) {
        long right = 0;
        long all = 0;
        for (TrainingBatch b : batches) {
            for (double r : b.rewards()) {
                right += r > 0 ? 1 : 0;
                all++;
            }
        }
        return (double) right / all;
    }

    /** Per response token j: the key of the state before token j. */
    private static long[] keys(int[] prompt, int[] response, CharTokenizer tokenizer, boolean withError) {
        RunningSumProblem problem = RunningSumProblem.parse(tokenizer.decode(java.util.Arrays.copyOfRange(prompt, 1,
            prompt.length)));
        String text = tokenizer.decode(response);
        long[] keys = new long[response.length];
        int truth = problem.term(0);
        boolean wrong = false;
        for (int j = 0; j < response.length; j++) {
            int line = j / RunningSumProblem.LINE_LENGTH;
            int written = j - 1;
            if (written >= 0 && written % RunningSumProblem.LINE_LENGTH == 4 && line < problem.termCount()) {
                int lineOfDigit = written / RunningSumProblem.LINE_LENGTH + 1;
                if (lineOfDigit < problem.termCount()) {
                    truth = (truth + problem.term(lineOfDigit)) % 10;
                    char c = written < text.length() ? text.charAt(written) : '?';
                    wrong = wrong || c != (char) ('0' + truth);
                }
            }
            keys[j] = problem.termCount() * 10_000L + Math.min(line, 99) * 10L + (withError && wrong ? 1 : 0);
        }
        return keys;
    }

    private static Map<Long, double[]> fitTable(List<TrainingBatch> batches, CharTokenizer tokenizer, boolean withError) {
        Map<Long, double[]> table = new HashMap<>();
        for (TrainingBatch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                long[] k = keys(b.prompts().get(i), b.responses().get(i), tokenizer, withError);
                for (int j = 0; j < k.length; j++) {
                    double[] sum = table.computeIfAbsent(k[j], x -> new double[2]);
                    sum[0] += b.returns()[i][j];
                    sum[1]++;
                }
            }
        }
        return table;
    }

    private static List<float[]> predict(Map<Long, double[]> table, List<TrainingBatch> batches, CharTokenizer tokenizer,
                                         boolean withError) {
        List<float[]> out = new ArrayList<>();
        for (TrainingBatch b : batches) {
            for (int i = 0; i < b.size(); i++) {
                long[] k = keys(b.prompts().get(i), b.responses().get(i), tokenizer, withError);
                float[] v = new float[k.length];
                for (int j = 0; j < k.length; j++) {
                    double[] sum = table.get(k[j]);
                    v[j] = sum == null ? 0f : (float) (sum[0] / sum[1]);
                }
                out.add(v);
            }
        }
        return out;
    }
}
