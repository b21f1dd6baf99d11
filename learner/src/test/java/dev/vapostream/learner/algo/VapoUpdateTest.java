package dev.vapostream.learner.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDManager;
import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.ValueScores;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.tokenizer.CharTokenizer;
import org.junit.jupiter.api.Test;

/** The update on a small policy: it must learn, and value pretraining must leave the policy alone. */
class VapoUpdateTest {
    private static final CharTokenizer TOKENS = CharTokenizer.forBuiltInTask();
    private static final ModelConfig TINY = ModelConfig.of(TOKENS.vocabSize(), 16, 1, 32, 2);
    private static final int SEVEN = TOKENS.encode("7")[0];

    @Test
    void rewardingOneFirstTokenMakesThePolicyChooseIt() {
        // Given a fresh policy that starts a response with '7' about 1 time in 18
        try (PolicyModel policy = PolicyModel.initialise(TINY, 1);
             VapoUpdate update = new VapoUpdate(policy, null,
                 UpdateSettings.vapo(1).withLmCoefficient(0f).withLearningRates(1e-2f, 1e-2f))) {
            int[] prompt = TOKENS.encodePrompt("1");
            double before = sevenRate(policy, prompt, 1000);

            // When 25 updates reward responses that start with '7' (group-normalised advantages)
            for (int step = 0; step < 25; step++) {
                List<SampledResponse> group = new Sampler(policy).sample(repeat(prompt, 32), SamplingSettings.unbiased(3), step);
                update.step(batch(prompt, group, r -> r.tokens()[0] == SEVEN ? 1.0 : 0.0), true, step);
            }

            // Then most responses start with '7'
            double after = sevenRate(policy, prompt, 1000);
            assertTrue(before < 0.15, "start rate " + before);
            assertTrue(after > 0.6, "rate of '7' went from " + before + " to " + after);
        }
    }

    @Test
    void valuePretrainingTeachesTheCriticWhichPromptPaysAndLeavesThePolicyUntouched() {
        // Given a policy, its critic, and two prompts: one whose responses always earn 1, one never
        try (PolicyModel policy = PolicyModel.initialise(TINY, 2);
             ValueModel critic = policy.newValueModel(3);
             VapoUpdate update = new VapoUpdate(policy, critic, UpdateSettings.vapo(2).withLearningRates(1e-3f, 1e-2f))) {
            String policyBefore = policy.weightsSha256();
            int[] paying = TOKENS.encodePrompt("1+1");
            int[] losing = TOKENS.encodePrompt("2+2");
            double evBefore = 0;
            double evAfter = 0;

            // When the critic alone trains for 30 steps on Monte-Carlo returns
            for (int step = 0; step < 30; step++) {
                List<SampledResponse> a = new Sampler(policy).sample(repeat(paying, 8), SamplingSettings.unbiased(4), step);
                List<SampledResponse> b = new Sampler(policy).sample(repeat(losing, 8), SamplingSettings.unbiased(4), 1000 + step);
                TrainingBatch batch = concat(batch(paying, a, r -> 1.0), batch(losing, b, r -> 0.0));
                TrainingBatch valued = withCriticValues(critic, batch);
                double ev = Whitening.explainedVariance(valued.returns(), valued.oldValues(), valued.lengths());
                if (step == 0) {
                    evBefore = ev;
                }
                evAfter = ev;
                update.step(valued, false, step);
            }

            // Then the critic explains most of the return variance, and the policy did not move
            assertTrue(evAfter > 0.8 && evAfter > evBefore, "explained variance " + evBefore + " → " + evAfter);
            assertEquals(policyBefore, policy.weightsSha256());
        }
    }

    @Test
    void theCriticTakesItsOwnEpochsAndMiniBatchesAndThePolicyItsOwn() {
        // Given an update with the policy at 1 epoch × 2 mini-batches and the critic at 3 × 4
        UpdateSettings settings = UpdateSettings.vapo(4).withSchedule(1, 2).withCriticSchedule(3, 4);
        try (PolicyModel policy = PolicyModel.initialise(TINY, 4);
             ValueModel critic = policy.newValueModel(5);
             VapoUpdate update = new VapoUpdate(policy, critic, settings)) {
            int[] prompt = TOKENS.encodePrompt("1+1");
            List<SampledResponse> group = new Sampler(policy).sample(repeat(prompt, 16), SamplingSettings.unbiased(4), 7);
            TrainingBatch batch = withCriticValues(critic, batch(prompt, group, r -> r.tokens()[0] == SEVEN ? 1.0 : 0.0));
            // When one policy step runs
            update.step(batch, true, 0);
            // Then each optimizer took exactly its own number of steps
            assertEquals(2, update.actorOptimizer().state().steps());
            assertEquals(12, update.criticOptimizer().state().steps());
        }
    }

    @Test
    void withRedrawEachCriticEpochDrawsNewRowsFromThePool() {
        // Given updates with a replay pool of 4 batches and 3 critic epochs, one drawing once a step, one redrawing
        UpdateSettings once = UpdateSettings.vapo(6).withCriticSchedule(3, 2).withCriticReplay(4);
        try (PolicyModel policy = PolicyModel.initialise(TINY, 6);
             ValueModel critic = policy.newValueModel(7);
             VapoUpdate drawOnce = new VapoUpdate(policy, critic, once);
             VapoUpdate redraw = new VapoUpdate(policy, critic, once.withCriticRedraw(true))) {
            int[] prompt = TOKENS.encodePrompt("1+1");
            List<SampledResponse> group = new Sampler(policy).sample(repeat(prompt, 8), SamplingSettings.unbiased(4), 8);
            TrainingBatch batch = withCriticValues(critic, batch(prompt, group, r -> r.tokens()[0] == SEVEN ? 1.0 : 0.0));
            // When each runs one value-pretraining step
            drawOnce.step(batch, false, 0);
            redraw.step(batch, false, 0);
            // Then the first drew its rows once and trained 3 epochs on them; the second drew for every epoch
            assertEquals(1, drawOnce.criticReplay().draws());
            assertEquals(3, redraw.criticReplay().draws());
            assertEquals(6, redraw.criticOptimizer().state().steps());
        }
    }

    @Test
    void aFeatureCriticRemembersWhatItsPoolHoldsAndOneBatchMoreAndAPlainCriticNothing() {
        // Given two feature critics, one updated with a pool of 4 batches, one with the newest batch only, and a plain critic
        UpdateSettings pooled = UpdateSettings.vapo(8).withCriticSchedule(2, 2).withCriticReplay(4);
        try (PolicyModel policy = PolicyModel.initialise(TINY, 8);
             ValueModel poolCritic = policy.newValueModel(9, true);
             ValueModel batchCritic = policy.newValueModel(9, true);
             ValueModel plainCritic = policy.newValueModel(9);
             VapoUpdate withPool = new VapoUpdate(policy, poolCritic, pooled);
             VapoUpdate withoutPool = new VapoUpdate(policy, batchCritic, pooled.withCriticReplay(1));
             VapoUpdate plain = new VapoUpdate(policy, plainCritic, pooled)) {
            int[] prompt = TOKENS.encodePrompt("1+1");
            List<SampledResponse> group = new Sampler(policy).sample(repeat(prompt, 8), SamplingSettings.unbiased(4), 9);
            TrainingBatch batch = withCriticValues(plainCritic, batch(prompt, group, r -> 1.0));
            // When each runs one value-pretraining step on a batch of 8 rows
            withPool.step(batch, false, 0);
            withoutPool.step(batch, false, 0);
            plain.step(batch, false, 0);
            // Then the pooled critic may remember (4 + 1) × 8 responses, the other (1 + 1) × 8, the plain one none
            assertEquals(40, poolCritic.policyFeatureMemory());
            assertEquals(16, batchCritic.policyFeatureMemory());
            assertEquals(0, plainCritic.policyFeatureMemory());
        }
    }

    private static double sevenRate(PolicyModel policy, int[] prompt, int n) {
        List<SampledResponse> sample = new Sampler(policy).sample(repeat(prompt, n), SamplingSettings.unbiased(1), 99);
        return sample.stream().filter(r -> r.tokens()[0] == SEVEN).count() / (double) n;
    }

    /** A batch with advantages R − mean(R) on every token (whitened by the batch) and returns R. */
    private static TrainingBatch batch(int[] prompt, List<SampledResponse> group,
                                       java.util.function.ToDoubleFunction<SampledResponse> reward) {
        int n = group.size();
        double[] rewards = group.stream().mapToDouble(reward).toArray();
        double mean = Arrays.stream(rewards).average().orElse(0);
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        float[][] behaviour = new float[n][];
        float[][] advantages = new float[n][];
        float[][] returns = new float[n][];
        float[][] zeros = new float[n][];
        float[][] ones = new float[n][];
        boolean[] positive = new boolean[n];
        for (int i = 0; i < n; i++) {
            SampledResponse r = group.get(i);
            int l = r.tokens().length;
            prompts.add(prompt);
            responses.add(r.tokens());
            behaviour[i] = r.logProbs();
            advantages[i] = filled(l, (float) (rewards[i] - mean));
            returns[i] = filled(l, (float) rewards[i]);
            zeros[i] = new float[l];
            ones[i] = filled(l, 1f);
            positive[i] = rewards[i] == 1.0;
        }
        int[] lengths = responses.stream().mapToInt(a -> a.length).toArray();
        Whitening.whiten(advantages, lengths);
        return new TrainingBatch(prompts, responses, behaviour, advantages, returns, zeros, ones, rewards, positive);
    }

    private static TrainingBatch concat(TrainingBatch a, TrainingBatch b) {
        List<int[]> prompts = new ArrayList<>(a.prompts());
        prompts.addAll(b.prompts());
        List<int[]> responses = new ArrayList<>(a.responses());
        responses.addAll(b.responses());
        double[] rewards = new double[a.size() + b.size()];
        System.arraycopy(a.rewards(), 0, rewards, 0, a.size());
        System.arraycopy(b.rewards(), 0, rewards, a.size(), b.size());
        boolean[] positive = new boolean[rewards.length];
        for (int i = 0; i < rewards.length; i++) {
            positive[i] = rewards[i] == 1.0;
        }
        return new TrainingBatch(prompts, responses, join(a.behaviour(), b.behaviour()), join(a.advantages(), b.advantages()),
            join(a.returns(), b.returns()), join(a.oldValues(), b.oldValues()), join(a.weights(), b.weights()), rewards, positive);
    }

    /** The batch with the critic's current values as the recorded ones, as the advantage stage would send them. */
    private static TrainingBatch withCriticValues(ValueModel critic, TrainingBatch batch) {
        float[][] values = new float[batch.size()][];
        try (NDManager m = NDManager.newBaseManager()) {
            ValueScores scores = critic.score(m, batch.prompts(), batch.responses());
            float[] flat = scores.values().toFloatArray();
            int width = (int) scores.values().getShape().get(1);
            for (int i = 0; i < values.length; i++) {
                values[i] = Arrays.copyOfRange(flat, i * width, i * width + batch.responses().get(i).length);
            }
        }
        return new TrainingBatch(batch.prompts(), batch.responses(), batch.behaviour(), batch.advantages(), batch.returns(),
            values, batch.weights(), batch.rewards(), batch.positive());
    }

    private static float[][] join(float[][] a, float[][] b) {
        float[][] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<int[]> repeat(int[] prompt, int n) {
        List<int[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prompt);
        }
        return out;
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
