package dev.vapostream.learner;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDManager;
import dev.vapostream.learner.algo.TrainingBatch;
import dev.vapostream.learner.algo.Whitening;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.PolicyScores;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.packed.ResponseArrays;

/** Turns advantage groups into a {@link TrainingBatch}, correcting stale groups and normalising advantages. */
final class BatchBuilder {
    private BatchBuilder() {
    }

    /** What the batch looked like, for the step's metrics. */
    record Summary(double rewardMean, double accuracy, double lengthMean, int lengthMax, long lagMin, double lagMean,
                   long lagMax, double explainedVariance, double explainedVarianceHard, int hardGroups,
                   double criticLagMean, long criticLagMax, long tokens) {
    }

    record Built(TrainingBatch batch, Summary summary) {
    }

    /**
     * @param stale       per group: sampled more than max-staleness versions ago; such groups take the
     *                    ratio against the current policy π_prox and an importance weight
     *                    min(π_prox/μ, truncation) per token (decoupled PPO)
     * @param hard        per group: its prompt is tagged hard in the dataset (explained variance is also reported over these)
     * @param policy      the current policy, to compute π_prox for stale groups
     * @param criticVersion the learner's critic version, against which the groups' critic lag is measured
     */
    static Built build(List<AdvantageGroup> groups, boolean[] stale, boolean[] hard, PolicyModel policy, float truncation,
                       Whitening.Mode whitening, long policyVersion, long criticVersion) {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        List<float[]> behaviour = new ArrayList<>();
        List<float[]> advantages = new ArrayList<>();
        List<float[]> returns = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        List<float[]> weights = new ArrayList<>();
        List<Double> rewards = new ArrayList<>();
        List<Boolean> positive = new ArrayList<>();
        List<Integer> staleRows = new ArrayList<>();
        List<Boolean> hardRows = new ArrayList<>();
        double criticLagSum = 0;
        long criticLagMax = 0;
        int valuedGroups = 0;
        int hardGroups = 0;
        long lagMin = Long.MAX_VALUE;
        long lagMax = Long.MIN_VALUE;
        double lagSum = 0;
        for (int g = 0; g < groups.size(); g++) {
            AdvantageGroup group = groups.get(g);
            int[] prompt = ints(group.getPromptTokens());
            long lag = policyVersion - group.getPolicyVersion();
            lagMin = Math.min(lagMin, lag);
            lagMax = Math.max(lagMax, lag);
            lagSum += lag;
            if (group.getCriticVersion() != null) {
                long criticLag = criticVersion - group.getCriticVersion();
                criticLagSum += criticLag;
                criticLagMax = Math.max(criticLagMax, criticLag);
                valuedGroups++;
            }
            hardGroups += hard[g] ? 1 : 0;
            for (ResponseAdvantage r : group.getResponses()) {
                hardRows.add(hard[g]);
                if (stale[g]) {
                    staleRows.add(responses.size());
                }
                prompts.add(prompt);
                ResponseArrays arrays = ResponseArrays.of(r);
                responses.add(arrays.tokens());
                behaviour.add(arrays.behaviourLogProbs());
                advantages.add(arrays.advantages());
                returns.add(arrays.returns());
                values.add(arrays.values());
                float[] w = new float[arrays.tokens().length];
                Arrays.fill(w, 1f);
                weights.add(w);
                rewards.add(r.getReward());
                positive.add(r.getCorrect());
            }
        }
        float[][] behaviourRows = behaviour.toArray(new float[0][]);
        float[][] weightRows = weights.toArray(new float[0][]);
        if (!staleRows.isEmpty()) {
            correctStale(policy, prompts, responses, staleRows, behaviourRows, weightRows, truncation);
        }
        float[][] advantageRows = advantages.toArray(new float[0][]);
        float[][] returnRows = returns.toArray(new float[0][]);
        float[][] valueRows = values.toArray(new float[0][]);
        int[] lengths = responses.stream().mapToInt(a -> a.length).toArray();
        double explained = Whitening.explainedVariance(returnRows, valueRows, lengths);
        boolean[] hardMask = new boolean[hardRows.size()];
        for (int i = 0; i < hardMask.length; i++) {
            hardMask[i] = hardRows.get(i);
        }
        double explainedHard = hardGroups == 0 ? Double.NaN
            : Whitening.explainedVariance(returnRows, valueRows, lengths, hardMask);
        Whitening.apply(whitening, advantageRows, lengths);
        double[] rewardArray = rewards.stream().mapToDouble(Double::doubleValue).toArray();
        boolean[] positiveArray = new boolean[positive.size()];
        for (int i = 0; i < positiveArray.length; i++) {
            positiveArray[i] = positive.get(i);
        }
        TrainingBatch batch = new TrainingBatch(prompts, responses, behaviourRows, advantageRows, returnRows, valueRows,
            weightRows, rewardArray, positiveArray);
        long correct = positive.stream().filter(Boolean::booleanValue).count();
        Summary summary = new Summary(Arrays.stream(rewardArray).average().orElse(0), (double) correct / positive.size(),
            Arrays.stream(lengths).average().orElse(0), Arrays.stream(lengths).max().orElse(0), lagMin,
            lagSum / groups.size(), lagMax, explained, explainedHard, hardGroups,
            valuedGroups == 0 ? Double.NaN : criticLagSum / valuedGroups, criticLagMax, batch.tokens());
        return new Built(batch, summary);
    }

    private static void correctStale(PolicyModel policy, List<int[]> prompts, List<int[]> responses, List<Integer> rows,
                                     float[][] behaviour, float[][] weights, float truncation) {
        List<int[]> p = new ArrayList<>();
        List<int[]> r = new ArrayList<>();
        for (int row : rows) {
            p.add(prompts.get(row));
            r.add(responses.get(row));
        }
        try (NoGradient ignored = NoGradient.enter(); NDManager m = NDManager.newBaseManager()) {
            List<float[]> proximal = policy.score(m, p, r).logProbsPerResponse(r);
            for (int i = 0; i < rows.size(); i++) {
                int row = rows.get(i);
                for (int t = 0; t < responses.get(row).length; t++) {
                    float prox = proximal.get(i)[t];
                    weights[row][t] = (float) Math.min(Math.exp(prox - behaviour[row][t]), truncation);
                    behaviour[row][t] = prox;
                }
            }
        }
    }

    private static int[] ints(List<Integer> xs) {
        int[] a = new int[xs.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = xs.get(i);
        }
        return a;
    }
}
