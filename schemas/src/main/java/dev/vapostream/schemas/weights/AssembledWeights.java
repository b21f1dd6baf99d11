package dev.vapostream.schemas.weights;

import dev.vapostream.schemas.avro.ModelRole;

/** A weight version put back together from its chunks, SHA-256 verified. */
public record AssembledWeights(String modelName, ModelRole role, long version, String format, String sha256,
                               byte[] payload, PublishedVersion published) {
}
