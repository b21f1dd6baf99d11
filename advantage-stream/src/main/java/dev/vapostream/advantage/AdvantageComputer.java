package dev.vapostream.advantage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.vapostream.advantage.kernel.Gae;
import dev.vapostream.advantage.kernel.GroupNormalised;

/**
 * Turns a group's rewards (and, for GAE estimators, its per-token values) into advantages and
 * value targets. The reward of a response is placed on its last token.
 */
public final class AdvantageComputer {
    private AdvantageComputer() {
    }

    /**
     * @param rewards one reward per response
     * @param lengths token count per response, each ≥ 1
     * @param values  per-response values of {@code lengths[i]} entries; null or ignored when the
     *                estimator needs no critic
     */
    public static List<ResponseSignals> compute(EstimatorSettings settings, double[] rewards, int[] lengths,
                                                List<float[]> values) {
        if (rewards.length != lengths.length) {
            throw new IllegalArgumentException(rewards.length + " rewards for " + lengths.length + " responses");
        }
        return settings.needsCritic()
            ? withCritic(settings, rewards, lengths, values)
            : groupNormalised(settings, rewards, lengths);
    }

    private static List<ResponseSignals> withCritic(EstimatorSettings s, double[] rewards, int[] lengths,
                                                    List<float[]> values) {
        if (values == null || values.size() != lengths.length) {
            throw new IllegalArgumentException("estimator " + s.estimator() + " needs values for each of the "
                + lengths.length + " responses");
        }
        List<ResponseSignals> out = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            int length = lengths[i];
            float[] v = values.get(i);
            if (v.length != length) {
                throw new IllegalArgumentException("response " + i + " has " + length + " tokens but " + v.length + " values");
            }
            double lambdaPolicy = s.policyLambda(length);
            float[] advantages = new float[length];
            Gae.terminalReward((float) rewards[i], v, length, s.gamma(), lambdaPolicy, advantages);
            float[] criticAdvantages = new float[length];
            Gae.terminalReward((float) rewards[i], v, length, s.gamma(), s.criticLambda(), criticAdvantages);
            float[] returns = new float[length];
            Gae.returns(criticAdvantages, v, length, returns);
            out.add(new ResponseSignals(lambdaPolicy, v, advantages, returns));
        }
        return out;
    }

    private static List<ResponseSignals> groupNormalised(EstimatorSettings s, double[] rewards, int[] lengths) {
        // A group of one would get advantage 0 on every token: no signal, and nothing to say why.
        if (rewards.length < 2) {
            throw new IllegalArgumentException("estimator " + s.estimator() + " compares the responses to one prompt, and"
                + " this group has " + rewards.length + ": generate at least 2 a prompt (group.size), or use an estimator"
                + " with a critic");
        }
        double[] perResponse = switch (s.estimator()) {
            case GRPO -> GroupNormalised.grpo(rewards);
            case DR_GRPO -> GroupNormalised.drGrpo(rewards);
            default -> throw new IllegalStateException("not a group estimator: " + s.estimator());
        };
        List<ResponseSignals> out = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            int length = lengths[i];
            float[] zeros = new float[length];
            float[] advantages = new float[length];
            Arrays.fill(advantages, (float) perResponse[i]);
            // No critic: the value targets are the Monte-Carlo returns, kept for diagnostics and replay.
            float[] returns = new float[length];
            Gae.terminalReward((float) rewards[i], zeros, length, s.gamma(), 1.0, returns);
            out.add(new ResponseSignals(Double.NaN, zeros, advantages, returns));
        }
        return out;
    }
}
