package dev.vapostream.scorer.api;

/**
 * Thrown by a scorer when the group itself is unusable (e.g. a ground truth that is not an
 * answer the task can have), as opposed to the scorer failing. Like any exception it sends the
 * group to the dead-letter topic; the class name tells operators to fix the data, not the scorer.
 */
public class BadGroupException extends Exception {
    public BadGroupException(String message) {
        super(message);
    }
}
