package dev.vapostream.learner.algo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.PolicyScores;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.ValueScores;
import dev.vapostream.model.nn.Scalars;
import dev.vapostream.model.pretrain.AdamW;
import dev.vapostream.model.pretrain.GradientClipping;

/**
 * The learner's update: mini-batch epochs of the clipped policy loss (plus the positive-example
 * LM loss) and the clipped critic loss, each network with its own AdamW and global-norm clip.
 * During value pretraining only the critic trains. Both forward passes share one gradient
 * collector (one per JVM at a time); their parameters are disjoint, so their gradients are too.
 */
public final class VapoUpdate implements AutoCloseable {
    private final PolicyModel policy;
    private final ValueModel critic;
    private final UpdateSettings settings;
    private final AdamW actorOptimizer;
    private final AdamW criticOptimizer;

    /** {@code critic} may be null for critic-free estimators (GRPO, DAPO). */
    public VapoUpdate(PolicyModel policy, ValueModel critic, UpdateSettings settings) {
        this.policy = policy;
        this.critic = critic;
        this.settings = settings;
        // Optimizer state lives outside any NDScope (ENVIRONMENT.md).
        this.actorOptimizer = new AdamW(policy.parameters(), settings.weightDecay());
        this.criticOptimizer = critic == null ? null : new AdamW(critic.parameters(), settings.weightDecay());
    }

    public UpdateSettings settings() {
        return settings;
    }

    public AdamW actorOptimizer() {
        return actorOptimizer;
    }

    public AdamW criticOptimizer() {
        return criticOptimizer;
    }

    /**
     * Runs the configured epochs over {@code batch}. {@code trainPolicy} false: value pretraining
     * (critic only). The mini-batch order depends only on the seed and {@code stepIndex}, so a
     * resumed learner repeats a step exactly.
     */
    public StepStats step(TrainingBatch batch, boolean trainPolicy, long stepIndex) {
        SplittableRandom shuffle = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + stepIndex);
        if (!trainPolicy && critic == null) {
            throw new IllegalStateException("value pretraining needs a critic");
        }
        Accumulator sums = new Accumulator();
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            for (int[] rows : miniBatches(batch.size(), shuffle)) {
                sums.add(miniBatch(batch, rows, trainPolicy));
            }
        }
        return sums.mean();
    }

    private StepStats miniBatch(TrainingBatch batch, int[] rows, boolean trainPolicy) {
        try (NDManager step = NDManager.newBaseManager()) {
            List<int[]> prompts = new ArrayList<>(rows.length);
            List<int[]> responses = new ArrayList<>(rows.length);
            for (int row : rows) {
                prompts.add(batch.prompts().get(row));
                responses.add(batch.responses().get(row));
            }
            int width = 0;
            for (int[] r : responses) {
                width = Math.max(width, r.length);
            }
            double policyLoss = 0;
            double lmLoss = 0;
            double valueLoss = 0;
            double entropy = 0;
            PolicyLoss.Result clip = null;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray total = Scalars.of(step, 0f);
                if (trainPolicy) {
                    PolicyScores scores = policy.score(step, prompts, responses);
                    NDArray mask = scores.mask();
                    clip = PolicyLoss.clipped(step, scores.logProbs(), padded(step, batch.behaviour(), rows, width),
                        padded(step, batch.advantages(), rows, width), padded(step, batch.weights(), rows, width), mask,
                        settings.epsLow(), settings.epsHigh(), settings.aggregation());
                    total = total.add(clip.loss());
                    policyLoss = clip.loss().getFloat();
                    entropy = MaskedMean.overTokens(scores.entropy(), mask).getFloat();
                    if (settings.lmCoefficient() > 0) {
                        NDArray lm = LmLoss.positiveExamples(step, scores.logProbs(), mask, select(batch.positive(), rows));
                        total = total.add(lm.mul(Scalars.of(step, settings.lmCoefficient())));
                        lmLoss = lm.getFloat();
                    }
                }
                if (critic != null) {
                    ValueScores values = critic.score(step, prompts, responses);
                    NDArray loss = ValueLoss.clipped(step, values.values(), padded(step, batch.oldValues(), rows, width),
                        padded(step, batch.returns(), rows, width), values.mask(), settings.valueClip());
                    total = total.add(loss);
                    valueLoss = loss.getFloat();
                }
                collector.backward(total);
            }
            double actorNorm = 0;
            double criticNorm = 0;
            if (trainPolicy) {
                actorNorm = GradientClipping.clipGlobalNorm(step, policy.parameters(), settings.maxGradNorm());
                actorOptimizer.step(step, settings.actorLr());
            }
            if (critic != null) {
                criticNorm = GradientClipping.clipGlobalNorm(step, critic.parameters(), settings.maxGradNorm());
                criticOptimizer.step(step, settings.criticLr());
            }
            return new StepStats(policyLoss, lmLoss, valueLoss, entropy,
                clip == null ? 0 : clip.clipFractionLow(), clip == null ? 0 : clip.clipFractionHigh(),
                clip == null ? 0 : clip.approxKl(), actorNorm, criticNorm);
        }
    }

    private List<int[]> miniBatches(int n, SplittableRandom shuffle) {
        int[] order = Permutations.of(n, shuffle);
        int parts = Math.min(settings.miniBatches(), n);
        List<int[]> out = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int from = p * n / parts;
            int to = (p + 1) * n / parts;
            int[] rows = new int[to - from];
            System.arraycopy(order, from, rows, 0, rows.length);
            out.add(rows);
        }
        return out;
    }

    /** Rows of a ragged per-token array, right-padded with zeros to (rows, width). */
    private static NDArray padded(NDManager manager, float[][] values, int[] rows, int width) {
        float[] flat = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            float[] row = values[rows[i]];
            System.arraycopy(row, 0, flat, i * width, row.length);
        }
        return manager.create(flat, new Shape(rows.length, width));
    }

    private static boolean[] select(boolean[] values, int[] rows) {
        boolean[] out = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    @Override
    public void close() {
        actorOptimizer.close();
        if (criticOptimizer != null) {
            criticOptimizer.close();
        }
    }

    private static final class Accumulator {
        private final double[] sums = new double[9];
        private int n;

        void add(StepStats s) {
            double[] v = {s.policyLoss(), s.lmLoss(), s.valueLoss(), s.entropy(), s.clipFractionLow(),
                s.clipFractionHigh(), s.approxKl(), s.actorGradNorm(), s.criticGradNorm()};
            for (int i = 0; i < v.length; i++) {
                sums[i] += v[i];
            }
            n++;
        }

        StepStats mean() {
            double[] m = new double[sums.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = n == 0 ? 0 : sums[i] / n;
            }
            return new StepStats(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]);
        }
    }
}
