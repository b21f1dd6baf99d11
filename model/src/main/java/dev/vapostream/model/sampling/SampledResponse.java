package dev.vapostream.model.sampling;

/**
 * One sampled response.
 *
 * @param tokens the generated token ids; ends with EOS iff {@code finishReason} is EOS
 * @param logProbs per token, the behaviour log-probability log softmax(logits)[token] at
 *     temperature 1 (see docs/model.md for why temperature and top-p are not folded in)
 * @param finishReason EOS or MAX_LENGTH
 */
public record SampledResponse(int[] tokens, float[] logProbs, FinishReason finishReason) {

    public SampledResponse {
        if (tokens.length != logProbs.length) {
            throw new IllegalArgumentException(tokens.length + " tokens but " + logProbs.length + " log-probs");
        }
        tokens = tokens.clone();
        logProbs = logProbs.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public float[] logProbs() {
        return logProbs.clone();
    }

    public int length() {
        return tokens.length;
    }
}
