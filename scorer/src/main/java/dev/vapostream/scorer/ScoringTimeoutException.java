package dev.vapostream.scorer;

/** A group's scorers did not finish within {@code group.timeout.ms}; the group goes to the dead-letter topic. */
public class ScoringTimeoutException extends RuntimeException {
    public ScoringTimeoutException(String message) {
        super(message);
    }
}
