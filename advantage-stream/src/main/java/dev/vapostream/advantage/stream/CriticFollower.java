package dev.vapostream.advantage.stream;

import java.util.Optional;
import java.util.function.IntFunction;

import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.weights.AssembledWeights;
import dev.vapostream.schemas.weights.WeightChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest complete, verified critic version loaded. Versions are switched between
 * groups only; a version whose chunks fail the SHA-256 or do not load is refused once, reported,
 * and the previous critic stays in use.
 */
public final class CriticFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CriticFollower.class);

    /** A loaded critic and its version. */
    public record Loaded(Critic critic, long version) {
    }

    private final String modelName;
    private final CriticLoader loader;
    private Critic critic;
    private long version = -1;
    private long refusedVersion = -1;
    private String refusal = "";

    public CriticFollower(String modelName, CriticLoader loader) {
        this.modelName = modelName;
        this.loader = loader;
    }

    /**
     * The critic to use for the next group, after switching to a newer complete version if
     * {@code chunkAt} (chunk index → newest chunk at that index) holds one.
     *
     * @throws InvalidGroupException if no critic version has been loaded at all
     */
    synchronized Loaded current(IntFunction<WeightChunk> chunkAt) {
        WeightChunk first = chunkAt.apply(0);
        if (first != null && first.getVersion() != version && first.getVersion() != refusedVersion) {
            tryLoad(chunkAt, first.getVersion());
        }
        if (critic == null) {
            throw new InvalidGroupException("unknown critic version: no critic '" + modelName + "' has been loaded"
                + (first == null ? " (none published on the weights topic yet; the learner publishes version 0 at start)"
                : " (latest announced v" + first.getVersion() + (refusal.isEmpty() ? " is incomplete" : " was refused: " + refusal) + ")"));
        }
        return new Loaded(critic, version);
    }

    private void tryLoad(IntFunction<WeightChunk> chunkAt, long announced) {
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
            AdvantageMetrics.criticLoaded(version);
            LOG.info("critic '{}' v{} loaded ({} bytes, sha256 {})", modelName, version,
                weights.get().payload().length, weights.get().sha256());
        } catch (RuntimeException e) {
            refusedVersion = announced;
            refusal = e.getMessage();
            AdvantageMetrics.criticRefused();
            LOG.error("critic '{}' v{} refused, keeping v{}: {}", modelName, announced, version, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (critic != null) {
            critic.close();
            critic = null;
        }
    }
}
