package dev.vapostream.generator.weights;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.vapostream.model.PolicyModel;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.weights.AssembledWeights;
import dev.vapostream.schemas.weights.WeightChunks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy versions seen on the weights topic, without Kafka: chunks are offered in topic order
 * and the newest chunk per index is kept (what compaction keeps). {@link #current()} switches to
 * the version chunk 0 announces once all its chunks are there and its SHA-256 matches; the caller
 * asks between groups only, so a group is never sampled by two versions. A version that fails the
 * check or does not load is refused and reported, and the previous policy stays in use. It is
 * tried again only if more chunks arrive (e.g. the learner re-publishes it).
 */
public final class PolicyVersions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyVersions.class);

    /** The policy in use and its version. */
    public record Current(PolicyModel policy, long version) {
    }

    private final String modelName;
    private final PolicyLoader loader;
    private final VersionEvents events;
    private final Map<Integer, WeightChunk> chunks = new HashMap<>();
    private long newestAnnounced = -1;
    private boolean changedSinceAttempt;
    private Current current;

    public PolicyVersions(String modelName, PolicyLoader loader, VersionEvents events) {
        this.modelName = modelName;
        this.loader = loader;
        this.events = events;
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

    /** The policy to sample the next groups with, after switching to a newer complete version if one arrived. */
    public Optional<Current> current() {
        WeightChunk first = chunks.get(0);
        boolean newer = first != null && (current == null || first.getVersion() != current.version());
        if (newer && changedSinceAttempt) {
            changedSinceAttempt = false;
            tryLoad(first.getVersion());
        }
        return Optional.ofNullable(current);
    }

    /** Highest version any chunk of this model has announced, -1 before the first. */
    public long newestAnnounced() {
        return newestAnnounced;
    }

    private void tryLoad(long announced) {
        try {
            Optional<AssembledWeights> weights = WeightChunks.assembleLatest(chunks::get);
            if (weights.isEmpty()) {
                return;
            }
            PolicyModel next = loader.load(weights.get().payload());
            long previous = current == null ? -1 : current.version();
            if (current != null) {
                current.policy().close();
            }
            current = new Current(next, weights.get().version());
            events.loaded(current.version());
            LOG.info("policy '{}' v{} loaded ({} bytes, sha256 {}), was {}", modelName, current.version(),
                weights.get().payload().length, weights.get().sha256(), previous < 0 ? "none" : "v" + previous);
        } catch (RuntimeException e) {
            events.refused(announced, e.getMessage());
            LOG.error("policy '{}' v{} refused, keeping {}: {}", modelName, announced,
                current == null ? "no policy" : "v" + current.version(), e.getMessage());
        }
    }

    @Override
    public void close() {
        if (current != null) {
            current.policy().close();
            current = null;
        }
    }
}
