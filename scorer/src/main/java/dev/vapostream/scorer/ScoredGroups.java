package dev.vapostream.scorer;

import java.util.ArrayList;
import java.util.List;

import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ResponseScore;
import dev.vapostream.schemas.avro.RewardComponent;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.ScorerId;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;

/**
 * How scores combine into a {@link ScoredGroup}, within a stage and across chained stages:
 * <ul>
 *   <li>each scorer adds one {@link RewardComponent} per response and its {@link ScorerId} to
 *       {@code scorers}, appended after those of earlier stages;</li>
 *   <li>{@code reward} is the sum of all components;</li>
 *   <li>{@code formatError} is true when any scorer so far said FORMAT_ERROR;</li>
 *   <li>{@code correct} is true when at least one scorer so far gave a verdict and every verdict
 *       was CORRECT. Whether an earlier stage gave any verdict is passed in as {@code priorJudged}
 *       because a {@code false} in the record cannot tell "wrong" from "not judged".</li>
 * </ul>
 */
final class ScoredGroups {
    private ScoredGroups() {
    }

    /** A group no scorer has seen yet: no components, reward 0. */
    static ScoredGroup unscored(ResponseGroup group, long nowMs) {
        List<ResponseScore> scores = new ArrayList<>(group.getResponses().size());
        for (int i = 0; i < group.getResponses().size(); i++) {
            scores.add(ResponseScore.newBuilder().setReward(0.0).setCorrect(false).setFormatError(false)
                .setComponents(new ArrayList<>()).build());
        }
        return ScoredGroup.newBuilder().setRollout(group).setScores(scores).setScorers(new ArrayList<>())
            .setScoredAtMs(java.time.Instant.ofEpochMilli(nowMs)).build();
    }

    static ScorerId idOf(Scorer scorer) {
        return ScorerId.newBuilder().setName(scorer.name()).setVersion(scorer.version()).build();
    }

    /**
     * {@code prior} with the results of {@code chain} appended; {@code results.get(s).get(r)} is
     * scorer s's score of response r.
     */
    static ScoredGroup append(ScoredGroup prior, boolean priorJudged, List<Scorer> chain, List<List<Score>> results,
                              long nowMs) {
        int responses = prior.getRollout().getResponses().size();
        List<ScorerId> ids = new ArrayList<>(prior.getScorers());
        for (Scorer scorer : chain) {
            ids.add(idOf(scorer));
        }
        List<ResponseScore> scores = new ArrayList<>(responses);
        for (int r = 0; r < responses; r++) {
            ResponseScore before = prior.getScores().get(r);
            List<RewardComponent> components = new ArrayList<>(before.getComponents());
            double reward = before.getReward();
            boolean judged = priorJudged;
            boolean correct = !priorJudged || before.getCorrect();
            boolean formatError = before.getFormatError();
            for (int s = 0; s < chain.size(); s++) {
                Score score = results.get(s).get(r);
                components.add(RewardComponent.newBuilder().setScorer(idOf(chain.get(s))).setValue(score.reward()).build());
                reward += score.reward();
                switch (score.verdict()) {
                    case NONE -> { }
                    case CORRECT -> judged = true;
                    case INCORRECT -> {
                        judged = true;
                        correct = false;
                    }
                    case FORMAT_ERROR -> {
                        judged = true;
                        correct = false;
                        formatError = true;
                    }
                }
            }
            scores.add(ResponseScore.newBuilder().setReward(reward).setCorrect(judged && correct)
                .setFormatError(formatError).setComponents(components).build());
        }
        return ScoredGroup.newBuilder().setRollout(prior.getRollout()).setScores(scores).setScorers(ids)
            .setScoredAtMs(java.time.Instant.ofEpochMilli(nowMs)).build();
    }

    /** Whether any scorer of {@code chain} gave a verdict on any response. */
    static boolean anyVerdict(List<List<Score>> results) {
        return results.stream().flatMap(List::stream).anyMatch(s -> s.verdict() != Score.Verdict.NONE);
    }
}
