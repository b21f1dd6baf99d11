package dev.vapostream.model.sampling;

/**
 * How to sample.
 *
 * @param temperature logits are divided by it before sampling; 0 means greedy (argmax)
 * @param topP nucleus mass in (0, 1]: only the most probable tokens whose cumulative
 *     probability (at this temperature) first reaches topP are eligible; 1 disables it
 * @param maxNewTokens most tokens a response may have, EOS included
 */
public record SamplingSettings(float temperature, float topP, int maxNewTokens) {

    public SamplingSettings {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, was " + temperature);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("topP must be in (0, 1], was " + topP);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("maxNewTokens must be >= 1, was " + maxNewTokens);
        }
    }

    /** Plain sampling from the policy (temperature 1, no nucleus): what RL rollouts use. */
    public static SamplingSettings unbiased(int maxNewTokens) {
        return new SamplingSettings(1f, 1f, maxNewTokens);
    }

    public boolean greedy() {
        return temperature == 0f;
    }
}
