package dev.vapostream.generator.sampling;

/** A prompt the current policy cannot sample: characters outside the tokenizer, or too long for the context. */
public final class UnsampleablePromptException extends RuntimeException {
    public UnsampleablePromptException(String message) {
        super(message);
    }

    public UnsampleablePromptException(String message, Throwable cause) {
        super(message, cause);
    }
}
