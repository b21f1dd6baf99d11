package dev.vapostream.model.task;

import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.tokenizer.CharTokenizer;

/** Sizes that make the model fit the running-sum task: vocabulary, context and response budget. */
public final class BuiltInTask {

    /** The longest reference response, EOS included: generation never needs more. */
    public static final int MAX_NEW_TOKENS = RunningSumProblem.MAX_RESPONSE_TOKENS;
    /** Longest prompt plus longest response, minus the last token, which is never fed back. */
    public static final int CONTEXT_LENGTH = RunningSumProblem.MAX_PROMPT_TOKENS + MAX_NEW_TOKENS - 1;

    private BuiltInTask() {
    }

    public static CharTokenizer tokenizer() {
        return CharTokenizer.forBuiltInTask();
    }

    /** The default base policy size: 2 layers, width 64, 4 heads (107 328 parameters with the built-in context). */
    public static ModelConfig defaultModelConfig() {
        return modelConfig(2, 64, 4);
    }

    public static ModelConfig modelConfig(int layers, int width, int heads) {
        return ModelConfig.of(tokenizer().vocabSize(), CONTEXT_LENGTH, layers, width, heads)
                .withResponseStart(RunningSumProblem.MAX_PROMPT_TOKENS);
    }

    /** Plain temperature-1 sampling with the full response budget (what evaluation and RL use). */
    public static SamplingSettings samplingSettings() {
        return SamplingSettings.unbiased(MAX_NEW_TOKENS);
    }
}
