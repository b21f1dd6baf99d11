package dev.vapostream.learner.algo;

import java.util.List;

/**
 * One training batch in plain arrays, one row per response. Advantages are whitened over the
 * whole batch when the batch is built (not per mini-batch), as VAPO specifies.
 *
 * @param prompts      prompt token ids per response (rows of one group share the array)
 * @param responses    response token ids
 * @param behaviour    log-probs of the sampling policy per token
 * @param advantages   per-token advantages (whitened if asked)
 * @param returns      per-token value targets
 * @param oldValues    per-token values recorded with the advantages
 * @param weights      per-token importance weights (1 unless a stale group is corrected)
 * @param rewards      reward per response
 * @param positive     reward-1 responses, for the LM loss
 */
public record TrainingBatch(List<int[]> prompts, List<int[]> responses, float[][] behaviour, float[][] advantages,
                            float[][] returns, float[][] oldValues, float[][] weights, double[] rewards,
                            boolean[] positive) {

    public TrainingBatch {
        int n = responses.size();
        if (prompts.size() != n || behaviour.length != n || advantages.length != n || returns.length != n
            || oldValues.length != n || weights.length != n || rewards.length != n || positive.length != n) {
            throw new IllegalArgumentException("every part of a batch needs one row per response (" + n + ")");
        }
        for (int i = 0; i < n; i++) {
            int l = responses.get(i).length;
            if (l == 0 || behaviour[i].length != l || advantages[i].length != l || returns[i].length != l
                || oldValues[i].length != l || weights[i].length != l) {
                throw new IllegalArgumentException("row " + i + ": arrays must match the response's " + l + " tokens");
            }
        }
    }

    public int size() {
        return responses.size();
    }

    public int[] lengths() {
        int[] lengths = new int[size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = responses.get(i).length;
        }
        return lengths;
    }

    public long tokens() {
        long n = 0;
        for (int[] r : responses) {
            n += r.length;
        }
        return n;
    }
}
