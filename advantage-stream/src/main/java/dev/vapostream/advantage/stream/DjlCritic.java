package dev.vapostream.advantage.stream;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDManager;
import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.nn.PromptLayout;

/** The DJL value model of {@code model/}, one padded forward pass per group. */
public final class DjlCritic implements Critic {
    private final ValueModel model;
    private final NDManager scratch;

    private DjlCritic(ValueModel model) {
        this.model = model;
        this.scratch = NDManager.newBaseManager();
    }

    /** Loads a critic from its encoded weights (the model format of {@code model/}). */
    public static DjlCritic fromWeights(byte[] payload) {
        return new DjlCritic(ValueModel.fromWeights(payload));
    }

    @Override
    public synchronized List<float[]> values(List<Integer> promptTokens, List<List<Integer>> responses) {
        checkFits(promptTokens, responses);
        int[] prompt = toArray(promptTokens);
        List<int[]> prompts = new ArrayList<>(responses.size());
        List<int[]> tokens = new ArrayList<>(responses.size());
        for (List<Integer> response : responses) {
            prompts.add(prompt);
            tokens.add(toArray(response));
        }
        // A manager per group: the batch's arrays are freed together, nothing reaches the model's manager.
        // Grad mode is per thread and on by default: inference here must not build autograd graphs.
        try (NoGradient ignored = NoGradient.enter(); NDManager batch = scratch.newSubManager()) {
            return model.score(batch, prompts, tokens).perResponse(tokens);
        }
    }

    @Override
    public synchronized void close() {
        scratch.close();
        model.close();
    }

    /**
     * Refuses tokens the critic has no embedding for and responses longer than its context, before
     * the forward pass: there they would fail as an engine error naming neither (or, on a GPU, a
     * device-side assert).
     */
    private void checkFits(List<Integer> promptTokens, List<List<Integer>> responses) {
        ModelConfig config = model.config();
        checkVocabulary("promptTokens", promptTokens, config.vocabSize());
        for (int i = 0; i < responses.size(); i++) {
            List<Integer> response = responses.get(i);
            checkVocabulary("response " + i + " tokens", response, config.vocabSize());
            int needed = new PromptLayout(List.of(new int[Math.max(1, promptTokens.size())]), config.responseStart())
                .positionsUsed(0, response.size() - 1);
            if (needed > config.contextLength()) {
                throw new CriticInputException("response " + i + ": " + promptTokens.size() + " prompt and "
                    + response.size() + " response tokens need " + needed + " positions, the critic's context is "
                    + config.contextLength());
            }
        }
    }

    private static void checkVocabulary(String field, List<Integer> tokens, int vocabSize) {
        for (int t = 0; t < tokens.size(); t++) {
            int token = tokens.get(t);
            if (token < 0 || token >= vocabSize) {
                throw new CriticInputException(field + "[" + t + "] = " + token + " is outside the critic's vocabulary (0.."
                    + (vocabSize - 1) + ")");
            }
        }
    }

    private static int[] toArray(List<Integer> xs) {
        int[] a = new int[xs.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = xs.get(i);
        }
        return a;
    }
}
