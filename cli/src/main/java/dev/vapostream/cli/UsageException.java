package dev.vapostream.cli;

/** A wrong command line: the message says what to change. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
