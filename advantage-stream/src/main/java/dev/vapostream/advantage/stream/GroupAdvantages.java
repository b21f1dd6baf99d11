package dev.vapostream.advantage.stream;

import java.util.ArrayList;
import java.util.List;

import dev.vapostream.advantage.AdvantageComputer;
import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ScoredGroup;

/**
 * A scored group to its advantage record: validate, value every response with the critic in one
 * batch, run an estimator, build the record. The one path the advantage stage and
 * {@code vapo replay} share; replay runs two estimators over the same values.
 */
public final class GroupAdvantages {
    private GroupAdvantages() {
    }

    /**
     * A validated group with its rewards, response lengths, and the critic's values (null when no
     * critic was asked).
     */
    public record Valued(ScoredGroup group, double[] rewards, int[] lengths, List<float[]> values, Long criticVersion,
                         int tokens) {
        /** The estimator's per-response signals. */
        public List<ResponseSignals> signals(EstimatorSettings settings) {
            return AdvantageComputer.compute(settings, rewards, lengths, values);
        }

        /** The advantage record of {@code signals}, naming the settings and (if they used one) the critic version. */
        public AdvantageGroup record(EstimatorSettings settings, List<ResponseSignals> signals) {
            return AdvantageRecords.of(group, settings, settings.needsCritic() ? criticVersion : null, signals);
        }
    }

    /**
     * Validates {@code group} and values its responses with {@code critic}, or not at all when it is
     * null; an invalid group throws {@link InvalidGroupException}.
     */
    public static Valued value(ScoredGroup group, CriticFollower.Loaded critic) {
        GroupValidator.validate(group);
        ResponseGroup rollout = group.getRollout();
        int size = rollout.getResponses().size();
        double[] rewards = new double[size];
        int[] lengths = new int[size];
        List<List<Integer>> tokens = new ArrayList<>(size);
        int total = 0;
        for (int i = 0; i < size; i++) {
            rewards[i] = group.getScores().get(i).getReward();
            tokens.add(rollout.getResponses().get(i).getTokens());
            lengths[i] = tokens.get(i).size();
            total += lengths[i];
        }
        List<float[]> values = null;
        if (critic != null) {
            try {
                values = critic.critic().values(rollout.getPromptTokens(), tokens);
            } catch (CriticInputException e) {
                throw new InvalidGroupException("group " + rollout.getPromptId() + ": " + e.getMessage());
            }
        }
        return new Valued(group, rewards, lengths, values, critic == null ? null : critic.version(), total);
    }
}
