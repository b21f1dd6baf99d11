package dev.vapostream.advantage.stream;

import java.time.Duration;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.weights.AssembledWeights;
import dev.vapostream.schemas.weights.PublishedVersion;
import dev.vapostream.schemas.weights.WeightChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest complete, verified critic version loaded. Versions are switched between
 * groups only; a version whose chunks fail the SHA-256 or do not load, or that is older than the one
 * in use (in {@link PublishedVersion} order), is refused once, reported, and the previous critic
 * stays in use. Once a critic is loaded, the store is looked at most once per look interval:
 * a look decodes the newest version's first chunk (up to 512 KiB), which before every group was
 * the advantage stage's largest cost (docs/benchmarks.md).
 */
public final class CriticFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CriticFollower.class);

    /** A loaded critic and its version. */
    public record Loaded(Critic critic, long version) {
    }

    private final String modelName;
    private final CriticLoader loader;
    private final long lookIntervalNanos;
    private final LongSupplier nanoClock;
    private long lastLook;
    private Critic critic;
    private long version = -1;
    private PublishedVersion held;
    private PublishedVersion refused;
    private String refusal = "";

    /** A follower that looks for a newer version before every group. */
    public CriticFollower(String modelName, CriticLoader loader) {
        this(modelName, loader, Duration.ZERO, System::nanoTime);
    }

    /** A follower that looks for a newer version at most once per {@code lookInterval} of {@code nanoClock}. */
    public CriticFollower(String modelName, CriticLoader loader, Duration lookInterval, LongSupplier nanoClock) {
        if (lookInterval.isNegative()) {
            throw new IllegalArgumentException("look interval " + lookInterval + " is negative");
        }
        this.modelName = modelName;
        this.loader = loader;
        this.lookIntervalNanos = lookInterval.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * The critic to use for the next group, after switching to a newer complete version if
     * {@code chunkAt} (chunk index → newest chunk at that index) holds one.
     *
     * @throws InvalidGroupException if no critic version has been loaded at all
     */
    synchronized Loaded current(IntFunction<WeightChunk> chunkAt) {
        long now = nanoClock.getAsLong();
        if (critic != null && now - lastLook < lookIntervalNanos) {
            return new Loaded(critic, version);
        }
        lastLook = now;
        WeightChunk first = chunkAt.apply(0);
        if (first != null) {
            PublishedVersion announced = PublishedVersion.of(first);
            if (!announced.equals(held) && !announced.equals(refused)) {
                if (held == null || announced.compareTo(held) > 0) {
                    tryLoad(chunkAt, announced);
                } else {
                    refuse(announced, announced + " is older than " + held + ", the critic in use: a weight record replayed"
                        + " or imported from the past, or a second learner publishing '" + modelName + "'?");
                }
            }
        }
        if (critic == null) {
            throw new InvalidGroupException("unknown critic version: no critic '" + modelName + "' has been loaded"
                + (first == null ? " (none published on the weights topic yet; the learner publishes version 0 at start)"
                : " (latest announced v" + first.getVersion() + (refusal.isEmpty() ? " is incomplete" : " was refused: " + refusal) + ")"));
        }
        return new Loaded(critic, version);
    }

    private void tryLoad(IntFunction<WeightChunk> chunkAt, PublishedVersion announced) {
        try {
            Optional<AssembledWeights> weights = WeightChunks.assembleLatest(chunkAt);
            if (weights.isEmpty()) {
                return;
            }
            Critic next = loader.load(weights.get().payload());
            if (critic != null) {
                critic.close();
            }
            critic = next;
            version = weights.get().version();
            held = weights.get().published();
            AdvantageMetrics.criticLoaded(version);
            LOG.info("critic '{}' v{} loaded ({} bytes, sha256 {})", modelName, version,
                weights.get().payload().length, weights.get().sha256());
        } catch (RuntimeException e) {
            refuse(announced, e.getMessage());
        }
    }

    /** Refused once: reported, counted, and not tried again unless it is published anew. */
    private void refuse(PublishedVersion announced, String reason) {
        refused = announced;
        refusal = reason;
        AdvantageMetrics.criticRefused();
        LOG.error("critic '{}' {} refused, keeping v{}: {}", modelName, announced, version, reason);
    }

    @Override
    public synchronized void close() {
        if (critic != null) {
            critic.close();
            critic = null;
        }
    }
}
