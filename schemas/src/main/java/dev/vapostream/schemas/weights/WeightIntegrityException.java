package dev.vapostream.schemas.weights;

/** A weight version whose chunks do not fit together or whose bytes do not match its SHA-256. */
public final class WeightIntegrityException extends RuntimeException {
    public WeightIntegrityException(String message) {
        super(message);
    }
}
