package dev.vapostream.schemas.weights;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;

import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.WeightChunk;

/**
 * Splits a weight payload into {@link WeightChunk} records for {@code vapo.weights} and puts them
 * back together, checking that every chunk belongs to the same version and that the bytes match
 * the version's SHA-256. Used by the learner (split) and by every stage that follows weights.
 */
public final class WeightChunks {
    private WeightChunks() {
    }

    /**
     * What every chunk of a version carries. {@code publisherStartedAt} is when the publishing
     * learner started; it orders versions across learner restarts (see {@link PublishedVersion}).
     */
    public record Header(String modelName, ModelRole role, long version, String format, Map<String, String> architecture,
                         Instant publisherStartedAt) {
    }

    /** The payload as chunks of at most {@code chunkBytes} bytes (at least one chunk, even if empty). */
    public static List<WeightChunk> split(Header header, byte[] payload, int chunkBytes, Instant publishedAt) {
        if (chunkBytes <= 0) {
            throw new IllegalArgumentException("chunkBytes must be positive, got " + chunkBytes);
        }
        int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
        String sha = sha256Hex(payload);
        List<WeightChunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * chunkBytes;
            int to = Math.min(payload.length, from + chunkBytes);
            chunks.add(WeightChunk.newBuilder()
                .setModelName(header.modelName()).setRole(header.role()).setVersion(header.version())
                .setChunkIndex(i).setChunkCount(count).setTotalBytes(payload.length).setSha256(sha)
                .setFormat(header.format()).setArchitecture(header.architecture())
                .setData(ByteBuffer.wrap(payload, from, to - from).slice())
                .setPublishedAtMs(publishedAt).setPublisherStartedAtMs(header.publisherStartedAt()).build());
        }
        return chunks;
    }

    /** The record key of a chunk, see {@link Topics#weightChunkKey}. */
    public static String key(WeightChunk chunk) {
        return Topics.weightChunkKey(chunk.getModelName(), chunk.getChunkIndex());
    }

    /**
     * Assembles the version that chunk 0 announces from chunks looked up by index (e.g. in a
     * compacted-topic store). Empty while some chunk of that version has not arrived yet.
     *
     * @throws WeightIntegrityException if the complete version's bytes do not match its SHA-256
     */
    public static Optional<AssembledWeights> assembleLatest(IntFunction<WeightChunk> chunkAt) {
        WeightChunk first = chunkAt.apply(0);
        if (first == null) {
            return Optional.empty();
        }
        List<WeightChunk> chunks = new ArrayList<>(first.getChunkCount());
        PublishedVersion announced = PublishedVersion.of(first);
        for (int i = 0; i < first.getChunkCount(); i++) {
            WeightChunk chunk = chunkAt.apply(i);
            // Another publication's chunk (an older version, or the same number from a restarted learner) is not this one's.
            if (chunk == null || !PublishedVersion.of(chunk).equals(announced)) {
                return Optional.empty();
            }
            chunks.add(chunk);
        }
        return Optional.of(assemble(chunks));
    }

    /**
     * Assembles one complete version from its chunks in index order.
     *
     * @throws WeightIntegrityException if the chunks disagree, are incomplete, or fail the SHA-256
     */
    public static AssembledWeights assemble(List<WeightChunk> chunks) {
        if (chunks.isEmpty()) {
            throw new WeightIntegrityException("no chunks to assemble");
        }
        WeightChunk first = chunks.get(0);
        String what = first.getModelName() + " v" + first.getVersion();
        if (chunks.size() != first.getChunkCount()) {
            throw new WeightIntegrityException(what + ": " + chunks.size() + " of " + first.getChunkCount() + " chunks");
        }
        ByteBuffer payload = ByteBuffer.allocate(Math.toIntExact(first.getTotalBytes()));
        for (int i = 0; i < chunks.size(); i++) {
            WeightChunk c = chunks.get(i);
            if (c.getChunkIndex() != i || c.getVersion() != first.getVersion()
                || !c.getModelName().equals(first.getModelName())) {
                throw new WeightIntegrityException(what + ": chunk at position " + i + " is "
                    + c.getModelName() + " v" + c.getVersion() + " #" + c.getChunkIndex());
            }
            if (!c.getSha256().equals(first.getSha256())) {
                throw new WeightIntegrityException(what + ": chunk " + i + " carries SHA-256 " + c.getSha256()
                    + ", chunk 0 announces " + first.getSha256() + " (chunks of two publications of this version?)");
            }
            ByteBuffer data = c.getData().duplicate();
            if (data.remaining() > payload.remaining()) {
                throw new WeightIntegrityException(what + ": chunks hold more than the announced " + first.getTotalBytes() + " bytes");
            }
            payload.put(data);
        }
        if (payload.hasRemaining()) {
            throw new WeightIntegrityException(what + ": chunks hold " + payload.position() + " of " + first.getTotalBytes() + " bytes");
        }
        byte[] bytes = payload.array();
        String actual = sha256Hex(bytes);
        if (!actual.equals(first.getSha256())) {
            throw new WeightIntegrityException(what + ": SHA-256 " + actual + " does not match the announced " + first.getSha256());
        }
        return new AssembledWeights(first.getModelName(), first.getRole(), first.getVersion(), first.getFormat(),
            actual, bytes, PublishedVersion.of(first));
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
