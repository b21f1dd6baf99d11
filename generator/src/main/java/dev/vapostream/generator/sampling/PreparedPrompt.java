package dev.vapostream.generator.sampling;

import java.util.Objects;

import dev.vapostream.schemas.avro.Prompt;

/**
 * A prompt and the token ids the policy is conditioned on (BOS first).
 *
 * @param prompt the record as read from the prompts topic
 * @param tokens its encoding
 */
public record PreparedPrompt(Prompt prompt, int[] tokens) {
    public PreparedPrompt {
        Objects.requireNonNull(prompt, "prompt");
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    public String id() {
        return prompt.getId();
    }
}
