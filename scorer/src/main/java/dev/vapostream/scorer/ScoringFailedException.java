package dev.vapostream.scorer;

/**
 * A group could not be scored: a scorer threw, returned a malformed result, or the input group
 * is inconsistent. The group goes to the dead-letter topic with this message; the dead letter's
 * error-class header names the root cause (e.g. the scorer's own exception).
 */
public class ScoringFailedException extends RuntimeException {
    public ScoringFailedException(String message) {
        super(message);
    }

    public ScoringFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
