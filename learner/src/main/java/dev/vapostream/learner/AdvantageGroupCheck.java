package dev.vapostream.learner;

import java.util.List;

import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.nn.PromptLayout;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.packed.ResponseArrays;

/**
 * Checks an advantage group against the policy being trained before it can reach a batch: one
 * defective group would otherwise fail the update (and, after a restart from the checkpoint, fail
 * it again), or worse, train on NaN and publish NaN weights. Every message names the group, the
 * response and the field.
 */
final class AdvantageGroupCheck {
    private final ModelConfig model;

    AdvantageGroupCheck(ModelConfig model) {
        this.model = model;
    }

    /** Thrown for a group no batch may take; the message says what is wrong with it. */
    static final class InvalidAdvantageGroupException extends IllegalArgumentException {
        InvalidAdvantageGroupException(String message) {
            super(message);
        }
    }

    /** @throws InvalidAdvantageGroupException naming the group, the response and the defect */
    void validate(AdvantageGroup group) {
        String id = group.getPromptId();
        List<Integer> prompt = group.getPromptTokens();
        if (prompt.isEmpty()) {
            throw invalid(id, "promptTokens is empty (a prompt starts with BOS)");
        }
        checkTokens(id, "promptTokens", prompt);
        if (model.responseStart() > 0 && prompt.size() > model.responseStart()) {
            throw invalid(id, "promptTokens has " + prompt.size() + " tokens, more than the " + model.responseStart()
                + " prompt positions of the policy");
        }
        if (group.getResponses().isEmpty()) {
            throw invalid(id, "responses is empty");
        }
        for (int i = 0; i < group.getResponses().size(); i++) {
            checkResponse(id, i, prompt.size(), group.getResponses().get(i));
        }
    }

    private void checkResponse(String id, int i, int promptLength, ResponseAdvantage r) {
        String where = "response " + i;
        ResponseArrays arrays;
        try {
            arrays = ResponseArrays.of(r);
        } catch (IllegalArgumentException e) {
            throw invalid(id, where + ": " + e.getMessage());
        }
        int length = arrays.tokens().length;
        if (length == 0) {
            throw invalid(id, where + " is empty (0 tokens)");
        }
        checkTokens(id, where + " tokens", arrays.tokens());
        int needed = positionsNeeded(promptLength, length);
        if (needed > model.contextLength()) {
            throw invalid(id, where + ": " + promptLength + " prompt and " + length + " response tokens need " + needed
                + " positions, the policy's context is " + model.contextLength());
        }
        checkLength(id, where, "behaviourLogProbs", arrays.behaviourLogProbs(), length);
        checkLength(id, where, "values", arrays.values(), length);
        checkLength(id, where, "advantages", arrays.advantages(), length);
        checkLength(id, where, "returns", arrays.returns(), length);
        for (int t = 0; t < length; t++) {
            float logProb = arrays.behaviourLogProbs()[t];
            if (!Float.isFinite(logProb) || logProb > 0f) {
                throw invalid(id, where + ": behaviourLogProbs[" + t + "] = " + logProb + " is not a finite value <= 0");
            }
            checkFinite(id, where, "values", t, arrays.values()[t]);
            checkFinite(id, where, "advantages", t, arrays.advantages()[t]);
            checkFinite(id, where, "returns", t, arrays.returns()[t]);
        }
        if (!Double.isFinite(r.getReward())) {
            throw invalid(id, where + ": reward = " + r.getReward() + " is not finite");
        }
    }

    /** Positions the policy uses for the prompt and all response tokens but the last (which is only predicted). */
    private int positionsNeeded(int promptLength, int responseLength) {
        return new PromptLayout(List.of(new int[promptLength]), model.responseStart()).positionsUsed(0, responseLength - 1);
    }

    private void checkTokens(String id, String field, List<Integer> tokens) {
        checkTokens(id, field, tokens.stream().mapToInt(Integer::intValue).toArray());
    }

    private void checkTokens(String id, String field, int[] tokens) {
        for (int t = 0; t < tokens.length; t++) {
            int token = tokens[t];
            if (token < 0 || token >= model.vocabSize()) {
                throw invalid(id, field + "[" + t + "] = " + token + " is outside the policy's vocabulary (0.."
                    + (model.vocabSize() - 1) + ")");
            }
        }
    }

    private static void checkLength(String id, String where, String field, float[] values, int tokens) {
        if (values.length != tokens) {
            throw invalid(id, where + ": " + field + " has " + values.length + " entries for " + tokens + " tokens");
        }
    }

    private static void checkFinite(String id, String where, String field, int t, float value) {
        if (!Float.isFinite(value)) {
            throw invalid(id, where + ": " + field + "[" + t + "] = " + value + " is not finite");
        }
    }

    private static InvalidAdvantageGroupException invalid(String id, String defect) {
        return new InvalidAdvantageGroupException("advantage group " + id + ": " + defect);
    }
}
