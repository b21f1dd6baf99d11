package dev.vapostream.cli.sync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.vapostream.advantage.AdvantageComputer;
import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.learner.algo.TrainingBatch;
import dev.vapostream.learner.algo.Whitening;

/**
 * What the advantage stage and the learner's batch builder do to a step's groups, without Kafka:
 * advantages and value targets per group ({@link AdvantageComputer}, the stage's kernel), DAPO's
 * filter of all-equal groups when dynamic sampling is on, the critic's explained variance on the
 * rows kept, and the batch's whitening.
 */
final class SyncBatch {
    private SyncBatch() {
    }

    /** One prompt's G responses, judged ({@code correct}, reward 1 or 0) and valued. */
    record Group(int[] prompt, List<int[]> responses, List<float[]> behaviour, boolean[] correct, List<float[]> values,
                 boolean hard) {
        double[] rewards() {
            double[] r = new double[correct.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = correct[i] ? 1 : 0;
            }
            return r;
        }

        int[] lengths() {
            return responses.stream().mapToInt(r -> r.length).toArray();
        }

        boolean allEqual() {
            for (boolean c : correct) {
                if (c != correct[0]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * @param batch  the rows to train on, null when dynamic sampling left none
     * @param kept   groups in the batch
     * @param filtered groups dropped by dynamic sampling
     */
    record Built(TrainingBatch batch, int kept, int filtered, double explainedVariance, double explainedVarianceHard,
                 long tokens, double rewardMean, double lengthMean, int lengthMax) {
    }

    static Built build(List<Group> groups, EstimatorSettings estimator, boolean dynamicSampling, Whitening.Mode whitening) {
        Rows rows = new Rows();
        int filtered = 0;
        for (Group g : groups) {
            if (dynamicSampling && g.allEqual()) {
                filtered++;
                continue;
            }
            rows.add(g, AdvantageComputer.compute(estimator, g.rewards(), g.lengths(), g.values()));
        }
        if (rows.size() == 0) {
            return new Built(null, 0, filtered, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, 0);
        }
        float[][] returns = rows.returns.toArray(float[][]::new);
        float[][] values = rows.values.toArray(float[][]::new);
        int[] lengths = rows.responses.stream().mapToInt(r -> r.length).toArray();
        boolean[] hard = new boolean[lengths.length];
        for (int i = 0; i < hard.length; i++) {
            hard[i] = rows.hard.get(i);
        }
        double ev = Whitening.explainedVariance(returns, values, lengths);
        double evHard = Whitening.explainedVariance(returns, values, lengths, hard);
        float[][] advantages = rows.advantages.toArray(float[][]::new);
        Whitening.apply(whitening, advantages, lengths);
        TrainingBatch batch = rows.batch(advantages, returns, values);
        return new Built(batch, groups.size() - filtered, filtered, ev, evHard, batch.tokens(),
            Arrays.stream(batch.rewards()).average().orElse(0), Arrays.stream(lengths).average().orElse(0),
            Arrays.stream(lengths).max().orElse(0));
    }

    private static final class Rows {
        final List<int[]> prompts = new ArrayList<>();
        final List<int[]> responses = new ArrayList<>();
        final List<float[]> behaviour = new ArrayList<>();
        final List<float[]> advantages = new ArrayList<>();
        final List<float[]> returns = new ArrayList<>();
        final List<float[]> values = new ArrayList<>();
        final List<Boolean> correct = new ArrayList<>();
        final List<Boolean> hard = new ArrayList<>();

        void add(Group g, List<ResponseSignals> signals) {
            for (int i = 0; i < g.responses().size(); i++) {
                prompts.add(g.prompt());
                responses.add(g.responses().get(i));
                behaviour.add(g.behaviour().get(i));
                advantages.add(signals.get(i).advantages());
                returns.add(signals.get(i).returns());
                values.add(signals.get(i).values());
                correct.add(g.correct()[i]);
                hard.add(g.hard());
            }
        }

        int size() {
            return responses.size();
        }

        TrainingBatch batch(float[][] whitenedAdvantages, float[][] returns, float[][] values) {
            int n = size();
            float[][] weights = new float[n][];
            double[] r = new double[n];
            boolean[] positive = new boolean[n];
            for (int i = 0; i < n; i++) {
                weights[i] = new float[responses.get(i).length];
                Arrays.fill(weights[i], 1f);
                positive[i] = correct.get(i);
                r[i] = positive[i] ? 1 : 0;
            }
            return new TrainingBatch(prompts, responses, behaviour.toArray(float[][]::new), whitenedAdvantages, returns,
                values, weights, r, positive);
        }
    }
}
