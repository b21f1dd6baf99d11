package dev.vapostream.advantage.stream;

/**
 * A group the critic cannot value: a token it has no embedding for, or a response longer than its
 * context. The group is at fault, not the critic, so it is dead-lettered; any other failure of the
 * critic stops the stage.
 */
public final class CriticInputException extends IllegalArgumentException {
    public CriticInputException(String message) {
        super(message);
    }
}
