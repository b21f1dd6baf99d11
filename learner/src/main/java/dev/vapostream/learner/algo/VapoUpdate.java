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
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.nn.Scalars;
import dev.vapostream.model.training.AdamW;
import dev.vapostream.model.training.GradientClipping;

/**
 * The learner's update: mini-batch epochs of the clipped policy loss (plus the positive-example
 * LM loss), then the critic's own epochs and mini-batches of the clipped critic loss, each network
 * with its own AdamW and global-norm clip. During value pretraining only the critic trains. Each
 * mini-batch opens its own gradient collector (one per JVM at a time).
 */
public final class VapoUpdate implements AutoCloseable {
    private final PolicyModel policy;
    private final ValueModel critic;
    private final UpdateSettings settings;
    private final AdamW actorOptimizer;
    private final AdamW criticOptimizer;
    private final CriticReplay replay;

    /** {@code critic} may be null for critic-free estimators (GRPO, DAPO). */
    public VapoUpdate(PolicyModel policy, ValueModel critic, UpdateSettings settings) {
        this.policy = policy;
        this.critic = critic;
        this.settings = settings;
        // Optimizer state lives outside any NDScope (docs/model.md, "Engine settings").
        this.actorOptimizer = new AdamW(policy.parameters(), settings.weightDecay());
        this.criticOptimizer = critic == null ? null : new AdamW(critic.parameters(), settings.weightDecay());
        this.replay = new CriticReplay(settings.criticReplay());
    }

    public UpdateSettings settings() {
        return settings;
    }

    public AdamW actorOptimizer() {
        return actorOptimizer;
    }

    /** The critic's replay pool, for tests of how rows are drawn from it. */
    CriticReplay criticReplay() {
        return replay;
    }

    public AdamW criticOptimizer() {
        return criticOptimizer;
    }

    /**
     * Runs the policy's epochs of mini-batches over {@code batch}, then the critic's own.
     * {@code trainPolicy} false: value pretraining (critic only). The mini-batch order depends
     * only on the seed and {@code stepIndex}, so a resumed learner repeats a step exactly; with a
     * critic replay pool the critic's rows also depend on the pool, which a resume empties.
     */
    public StepStats step(TrainingBatch batch, boolean trainPolicy, long stepIndex) {
        return step(batch, trainPolicy, stepIndex, 1.0);
    }

    /** As {@link #step(TrainingBatch, boolean, long)}, with the actor's learning rate scaled by {@code actorLrScale}. */
    public StepStats step(TrainingBatch batch, boolean trainPolicy, long stepIndex, double actorLrScale) {
        return step(batch, trainPolicy, stepIndex, actorLrScale, 1.0);
    }

    /** As {@link #step(TrainingBatch, boolean, long, double)}, with the critic's learning rate scaled by {@code criticLrScale}. */
    public StepStats step(TrainingBatch batch, boolean trainPolicy, long stepIndex, double actorLrScale,
                          double criticLrScale) {
        SplittableRandom shuffle = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + stepIndex);
        if (!trainPolicy && critic == null) {
            throw new IllegalStateException("value pretraining needs a critic");
        }
        Accumulator policySums = new Accumulator();
        if (trainPolicy) {
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                for (int[] rows : miniBatches(batch.size(), settings.miniBatches(), shuffle)) {
                    policySums.add(policyMiniBatch(batch, rows, (float) (settings.actorLr() * actorLrScale)));
                }
            }
        }
        Accumulator criticSums = new Accumulator();
        if (critic != null) {
            float criticLr = (float) (settings.criticLr() * criticLrScale);
            TrainingBatch criticRows = criticRows(batch, shuffle);
            for (int epoch = 0; epoch < settings.criticEpochs(); epoch++) {
                if (epoch > 0 && settings.criticRedraw()) {
                    criticRows = withCurrentValues(replay.draw(batch.size(), shuffle));
                }
                for (int[] rows : miniBatches(criticRows.size(), settings.criticMiniBatches(), shuffle)) {
                    criticSums.add(criticMiniBatch(criticRows, rows, criticLr));
                }
            }
        }
        StepStats p = policySums.mean();
        StepStats c = criticSums.mean();
        return new StepStats(p.policyLoss(), p.lmLoss(), c.valueLoss(), p.entropy(), p.clipFractionLow(),
            p.clipFractionHigh(), p.approxKl(), p.actorGradNorm(), c.criticGradNorm());
    }

    private StepStats policyMiniBatch(TrainingBatch batch, int[] rows, float actorLr) {
        try (NDManager step = NDManager.newBaseManager()) {
            List<int[]> prompts = select(batch.prompts(), rows);
            List<int[]> responses = select(batch.responses(), rows);
            int width = widest(responses);
            PolicyLoss.Result clip;
            double lmLoss = 0;
            double entropy;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                PolicyScores scores = policy.score(step, prompts, responses);
                NDArray mask = scores.mask();
                clip = PolicyLoss.clipped(step, scores.logProbs(), padded(step, batch.behaviour(), rows, width),
                    padded(step, batch.advantages(), rows, width), padded(step, batch.weights(), rows, width), mask,
                    settings.epsLow(), settings.epsHigh(), settings.aggregation());
                NDArray total = clip.loss();
                entropy = MaskedMean.overTokens(scores.entropy(), mask).getFloat();
                if (settings.lmCoefficient() > 0) {
                    NDArray lm = LmLoss.positiveExamples(step, scores.logProbs(), mask, select(batch.positive(), rows));
                    total = total.add(lm.mul(Scalars.of(step, settings.lmCoefficient())));
                    lmLoss = lm.getFloat();
                }
                collector.backward(total);
            }
            double norm = GradientClipping.clipGlobalNorm(step, policy.parameters(), settings.maxGradNorm());
            actorOptimizer.step(step, actorLr);
            return new StepStats(clip.loss().getFloat(), lmLoss, 0, entropy, clip.clipFractionLow(), clip.clipFractionHigh(),
                clip.approxKl(), norm, 0);
        }
    }

    /**
     * The rows the critic trains on this step: the batch itself, or with a replay pool rows drawn
     * from it, whose value clip is then taken around the critic's current values (the values
     * recorded with an older batch are those of a critic several versions back).
     */
    private TrainingBatch criticRows(TrainingBatch batch, SplittableRandom shuffle) {
        rememberWhatTheCriticScoresAgain(batch.size());
        if (settings.criticReplay() == 1) {
            return batch;
        }
        replay.add(batch);
        return withCurrentValues(replay.draw(batch.size(), shuffle));
    }

    /**
     * A critic that reads the policy's features would otherwise have its frozen policy score a
     * row again at every critic epoch and every draw from the pool; it remembers the responses the
     * pool holds and one batch more, since rows of a batch the pool has just dropped may still be
     * among the most recently used. No cap: the pool itself holds several arrays per token of
     * each of those responses, the memory three numbers per token.
     */
    private void rememberWhatTheCriticScoresAgain(int batchRows) {
        if (!critic.readsPolicyFeatures()) {
            return;
        }
        long rows = (settings.criticReplay() + 1L) * batchRows;
        int responses = (int) Math.min(Integer.MAX_VALUE, rows);
        if (responses > critic.policyFeatureMemory()) {
            critic.rememberPolicyFeatures(responses);
        }
    }

    private TrainingBatch withCurrentValues(TrainingBatch drawn) {
        float[][] current;
        try (NoGradient ignored = NoGradient.enter(); NDManager manager = NDManager.newBaseManager()) {
            current = critic.score(manager, drawn.prompts(), drawn.responses()).perResponse(drawn.responses())
                .toArray(new float[0][]);
        }
        return new TrainingBatch(drawn.prompts(), drawn.responses(), drawn.behaviour(), drawn.advantages(), drawn.returns(),
            current, drawn.weights(), drawn.rewards(), drawn.positive());
    }

    private StepStats criticMiniBatch(TrainingBatch batch, int[] rows, float criticLr) {
        try (NDManager step = NDManager.newBaseManager()) {
            List<int[]> prompts = select(batch.prompts(), rows);
            List<int[]> responses = select(batch.responses(), rows);
            int width = widest(responses);
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                ValueScores values = critic.score(step, prompts, responses);
                loss = ValueLoss.clipped(step, values.values(), padded(step, batch.oldValues(), rows, width),
                    padded(step, batch.returns(), rows, width), values.mask(), settings.valueClip());
                collector.backward(loss);
            }
            double norm = GradientClipping.clipGlobalNorm(step, critic.parameters(), settings.maxGradNorm());
            criticOptimizer.step(step, criticLr);
            return new StepStats(0, 0, loss.getFloat(), 0, 0, 0, 0, 0, norm);
        }
    }

    private static List<int[]> select(List<int[]> rowsOf, int[] rows) {
        List<int[]> out = new ArrayList<>(rows.length);
        for (int row : rows) {
            out.add(rowsOf.get(row));
        }
        return out;
    }

    private static int widest(List<int[]> responses) {
        int width = 0;
        for (int[] r : responses) {
            width = Math.max(width, r.length);
        }
        return width;
    }

    private static List<int[]> miniBatches(int n, int count, SplittableRandom shuffle) {
        int[] order = Permutations.of(n, shuffle);
        int parts = Math.min(count, n);
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
