package dev.vapostream.generator.weights;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import dev.vapostream.model.PolicyModel;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.weights.AssembledWeights;
import dev.vapostream.schemas.weights.PublishedVersion;
import dev.vapostream.schemas.weights.WeightChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy versions seen on the weights topic, without Kafka: chunks are offered in topic order
 * and the newest chunk per index is kept (what compaction keeps). {@link #current()} switches to
 * the version chunk 0 announces once all its chunks are there and its SHA-256 matches; the caller
 * asks between groups only, so a group is never sampled by two versions. A version that fails the
 * check or does not load is refused and reported, and the previous policy stays in use. It is
 * tried again only if more chunks arrive (e.g. the learner re-publishes it). Versions are ordered by
 * {@link PublishedVersion}; one older than the version in use is refused and reported once. A
 * version still incomplete {@link #INCOMPLETE_REPORT_AFTER} after it was announced is reported once.
 */
public final class PolicyVersions implements AutoCloseable {
    /** How long a version may stay incomplete before it is reported. */
    public static final Duration INCOMPLETE_REPORT_AFTER = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(PolicyVersions.class);

    /** The policy in use and its version. */
    public record Current(PolicyModel policy, long version) {
    }

    private final String modelName;
    private final PolicyLoader loader;
    private final VersionEvents events;
    private final LongSupplier nanoClock;
    private final Map<Integer, WeightChunk> chunks = new HashMap<>();
    private long newestAnnounced = -1;
    private boolean changedSinceAttempt;
    private Current current;
    /** Where the policy in use stands in the publishing order. */
    private PublishedVersion held;
    /** The last version refused for being older than the one in use, so that it is reported once. */
    private PublishedVersion refusedOlder;
    /** The incomplete version being waited for, since when, and whether it was reported. */
    private PublishedVersion waitingFor;
    private long waitingSinceNanos;
    private boolean waitReported;

    public PolicyVersions(String modelName, PolicyLoader loader, VersionEvents events) {
        this(modelName, loader, events, System::nanoTime);
    }

    PolicyVersions(String modelName, PolicyLoader loader, VersionEvents events, LongSupplier nanoClock) {
        this.modelName = modelName;
        this.loader = loader;
        this.events = events;
        this.nanoClock = nanoClock;
    }

    /** Takes the next chunk of the weights topic; chunks of other models are ignored. */
    public void offer(WeightChunk chunk) {
        if (!chunk.getModelName().equals(modelName)) {
            return;
        }
        chunks.put(chunk.getChunkIndex(), chunk);
        changedSinceAttempt = true;
        if (chunk.getVersion() > newestAnnounced) {
            newestAnnounced = chunk.getVersion();
            events.announced(newestAnnounced);
        }
    }

    /** A record at one of this model's chunk keys that could not be decoded; its version will not complete with it. */
    public void unreadable(String key, String reason) {
        events.unreadableChunk(key, reason);
    }

    /** The policy to sample the next groups with, after switching to a newer complete version if one arrived. */
    public Optional<Current> current() {
        reportIfLongIncomplete();
        WeightChunk first = chunks.get(0);
        if (first != null && changedSinceAttempt) {
            changedSinceAttempt = false;
            PublishedVersion announced = PublishedVersion.of(first);
            if (held == null || announced.compareTo(held) > 0) {
                tryLoad(announced);
            } else if (announced.compareTo(held) < 0 && !announced.equals(refusedOlder)) {
                refuseOlder(announced);
            }
        }
        return Optional.ofNullable(current);
    }

    /** Highest version any chunk of this model has announced, -1 before the first. */
    public long newestAnnounced() {
        return newestAnnounced;
    }

    private void tryLoad(PublishedVersion announced) {
        try {
            Optional<AssembledWeights> weights = WeightChunks.assembleLatest(chunks::get);
            if (weights.isEmpty()) {
                startWaiting(announced);
                return;
            }
            waitingFor = null;
            PolicyModel next = loader.load(weights.get().payload());
            long previous = current == null ? -1 : current.version();
            if (current != null) {
                current.policy().close();
            }
            current = new Current(next, weights.get().version());
            held = weights.get().published();
            // Wall clocks of two processes: on one machine exact, across machines as good as their clock sync.
            events.loaded(current.version(), Duration.ofMillis(Math.max(0,
                System.currentTimeMillis() - chunks.get(0).getPublishedAtMs().toEpochMilli())));
            LOG.info("policy '{}' v{} loaded ({} bytes, sha256 {}), was {}", modelName, current.version(),
                weights.get().payload().length, weights.get().sha256(), previous < 0 ? "none" : "v" + previous);
        } catch (RuntimeException e) {
            waitingFor = null;
            events.refused(announced.version(), e.getMessage());
            LOG.error("policy '{}' {} refused, keeping {}: {}", modelName, announced,
                current == null ? "no policy" : "v" + current.version(), e.getMessage());
        }
    }

    /** A version older than the one held: going back to it could only be a mistake, so it is refused and said so. */
    private void refuseOlder(PublishedVersion announced) {
        refusedOlder = announced;
        String reason = announced + " is older than " + held + ", the version in use: a weight record replayed or"
            + " imported from the past, or a second learner publishing '" + modelName + "'? A learner's versions only"
            + " increase, and a restarted learner started later.";
        events.refused(announced.version(), reason);
        LOG.error("policy '{}' {} refused, keeping v{}: {}", modelName, announced, current.version(), reason);
    }

    private void startWaiting(PublishedVersion announced) {
        if (!announced.equals(waitingFor)) {
            waitingFor = announced;
            waitingSinceNanos = nanoClock.getAsLong();
            waitReported = false;
        }
    }

    /**
     * Chunks stream in over several polls, so an incomplete version is normal for a moment; one
     * that stays incomplete (the learner died mid-publish, chunks were lost) is logged once, naming
     * the missing chunks. It is not used until they arrive or a newer version completes.
     */
    private void reportIfLongIncomplete() {
        if (waitingFor == null || waitReported || (held != null && held.compareTo(waitingFor) >= 0)
            || nanoClock.getAsLong() - waitingSinceNanos < INCOMPLETE_REPORT_AFTER.toNanos()) {
            return;
        }
        waitReported = true;
        List<Integer> missing = missingChunks(waitingFor);
        events.incomplete(waitingFor.version(), missing);
        LOG.warn("policy '{}' {} is still incomplete after {} s, missing chunks {}; sampling goes on with {}",
            modelName, waitingFor, INCOMPLETE_REPORT_AFTER.toSeconds(), missing,
            current == null ? "no policy" : "v" + current.version());
    }

    /** Indexes of {@code version}'s chunks not here (another publication's chunk at that index counts as missing). */
    private List<Integer> missingChunks(PublishedVersion version) {
        WeightChunk first = chunks.get(0);
        if (first == null || !PublishedVersion.of(first).equals(version)) {
            return List.of(0);
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < first.getChunkCount(); i++) {
            WeightChunk chunk = chunks.get(i);
            if (chunk == null || !PublishedVersion.of(chunk).equals(version)) {
                missing.add(i);
            }
        }
        return missing;
    }

    @Override
    public void close() {
        if (current != null) {
            current.policy().close();
            current = null;
        }
    }
}
