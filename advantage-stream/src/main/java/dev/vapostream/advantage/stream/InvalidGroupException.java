package dev.vapostream.advantage.stream;

/** A scored group the advantage stage cannot use; the message says what is wrong with it. */
public final class InvalidGroupException extends RuntimeException {
    public InvalidGroupException(String message) {
        super(message);
    }
}
