package dev.vapostream.advantage.stream;

import java.util.List;

import dev.vapostream.schemas.avro.ResponseScore;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.ScoredGroup;

/** Checks a scored group before any advantage is computed from it. */
public final class GroupValidator {
    private GroupValidator() {
    }

    /** @throws InvalidGroupException naming the group, the response and the defect */
    public static void validate(ScoredGroup group) {
        String id = group.getRollout().getPromptId();
        List<SampledResponse> responses = group.getRollout().getResponses();
        List<ResponseScore> scores = group.getScores();
        if (responses.isEmpty()) {
            throw new InvalidGroupException("group " + id + " has no responses");
        }
        if (scores.size() != responses.size()) {
            throw new InvalidGroupException("group " + id + " has " + responses.size() + " responses but "
                + scores.size() + " scores");
        }
        for (int i = 0; i < responses.size(); i++) {
            SampledResponse r = responses.get(i);
            int tokens = r.getTokens().size();
            if (tokens == 0) {
                throw new InvalidGroupException("group " + id + ", response " + i + " is empty (0 tokens)");
            }
            if (r.getBehaviourLogProbs().size() != tokens) {
                throw new InvalidGroupException("group " + id + ", response " + i + " has " + tokens + " tokens but "
                    + r.getBehaviourLogProbs().size() + " behaviour log-probs");
            }
            for (int t = 0; t < tokens; t++) {
                float lp = r.getBehaviourLogProbs().get(t);
                if (!Float.isFinite(lp) || lp > 0f) {
                    throw new InvalidGroupException("group " + id + ", response " + i + ": behaviour log-prob " + lp
                        + " at token " + t + " is not a finite value <= 0");
                }
            }
            double reward = scores.get(i).getReward();
            if (!Double.isFinite(reward)) {
                throw new InvalidGroupException("group " + id + ", response " + i + ": reward " + reward + " is not finite");
            }
        }
    }
}
