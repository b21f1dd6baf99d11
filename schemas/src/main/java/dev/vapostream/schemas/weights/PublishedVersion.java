package dev.vapostream.schemas.weights;

import java.time.Instant;

import dev.vapostream.schemas.avro.WeightChunk;

/**
 * A weight version's place in the order its followers go by: first when its publisher (the
 * learner process) started, then its version number. A learner restarted from its checkpoint
 * publishes that checkpoint's version again, which can be lower than what it published before it
 * died; it started later, so it comes after. A version older than the one held (a record
 * replayed or imported from the past, a second learner left running) comes before, and is refused.
 */
public record PublishedVersion(Instant publisherStartedAt, long version) implements Comparable<PublishedVersion> {

    public static PublishedVersion of(WeightChunk chunk) {
        return new PublishedVersion(chunk.getPublisherStartedAtMs(), chunk.getVersion());
    }

    @Override
    public int compareTo(PublishedVersion other) {
        int byPublisher = publisherStartedAt.compareTo(other.publisherStartedAt);
        return byPublisher != 0 ? byPublisher : Long.compare(version, other.version);
    }

    @Override
    public String toString() {
        return "v" + version + " (publisher started " + publisherStartedAt + ")";
    }
}
