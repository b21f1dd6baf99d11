package dev.vapostream.generator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.weights.WeightChunks;

/** Tiny policies, their published chunks, and prompts for the generator tests. */
public final class TestPolicies {
    public static final CharTokenizer TOKENIZER = CharTokenizer.forBuiltInTask();
    /** 1 layer, width 32, 2 heads, 64 positions: fast enough to sample hundreds of rows per second. */
    public static final ModelConfig TINY = ModelConfig.of(TOKENIZER.vocabSize(), 64, 1, 32, 2);
    /** Small chunks so that a version needs several. */
    public static final int CHUNK_BYTES = 16 * 1024;

    private TestPolicies() {
    }

    /** Encoded weights of a freshly initialised tiny policy; different seeds give different policies. */
    public static byte[] weights(long seed) {
        try (PolicyModel policy = PolicyModel.initialise(TINY, seed)) {
            return policy.encodeWeights();
        }
    }

    public static List<WeightChunk> chunks(String modelName, long version, byte[] payload) {
        return chunks(modelName, version, payload, Instant.EPOCH);
    }

    /** The chunks of a version published by a learner that started at {@code publisherStartedAt}. */
    public static List<WeightChunk> chunks(String modelName, long version, byte[] payload, Instant publisherStartedAt) {
        return WeightChunks.split(new WeightChunks.Header(modelName, ModelRole.POLICY, version, "vapo-weights-v1",
            Map.of("layers", "1", "width", "32"), publisherStartedAt), payload, CHUNK_BYTES, Instant.now());
    }

    /** The chunks of a version whose last chunk had one byte flipped after the SHA-256 was computed. */
    public static List<WeightChunk> corruptedChunks(String modelName, long version, byte[] payload) {
        List<WeightChunk> chunks = chunks(modelName, version, payload);
        WeightChunk last = chunks.get(chunks.size() - 1);
        byte[] data = new byte[last.getData().remaining()];
        last.getData().duplicate().get(data);
        data[data.length / 2] ^= 0x5A;
        last.setData(java.nio.ByteBuffer.wrap(data));
        return chunks;
    }

    public static Prompt prompt(String id, String text) {
        return Prompt.newBuilder().setId(id).setText(text).setAnswer("0").setDataset("test")
            .setAdmittedAtMs(Instant.ofEpochMilli(1_000)).setAdmittedAtVersion(3)
            .setMetadata(Map.of("source", id)).build();
    }
}
