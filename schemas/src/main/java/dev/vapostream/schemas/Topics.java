package dev.vapostream.schemas;

import java.util.List;
import java.util.Map;

import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.avro.WeightChunk;

/** The pipeline's topics, declared once. Names, keys and value types here are the wire contract. */
public final class Topics {
    private Topics() {
    }

    /** Weight chunks are up to this size; the weights topic accepts a little more for the envelope. */
    public static final int WEIGHT_CHUNK_BYTES = 512 * 1024;

    public static final TopicDescriptor<Prompt> PROMPTS = new TopicDescriptor<>(
        "vapo.prompts", "prompt id", Prompt.class, 4, Map.of());

    public static final TopicDescriptor<ResponseGroup> ROLLOUTS = new TopicDescriptor<>(
        "vapo.rollouts", "prompt id", ResponseGroup.class, 4, Map.of());

    /** The replayable log: kept forever unless the operator says otherwise. */
    public static final TopicDescriptor<ScoredGroup> SCORED = new TopicDescriptor<>(
        "vapo.scored", "prompt id", ScoredGroup.class, 4, Map.of("retention.ms", "-1"));

    public static final TopicDescriptor<AdvantageGroup> ADVANTAGES = new TopicDescriptor<>(
        "vapo.advantages", "prompt id", AdvantageGroup.class, 4, Map.of());

    /** One partition so a version's chunks stay in order; compacted so the newest versions survive. */
    public static final TopicDescriptor<WeightChunk> WEIGHTS = new TopicDescriptor<>(
        "vapo.weights", "modelName/chunkIndex", WeightChunk.class, 1, Map.of(
            "cleanup.policy", "compact",
            "max.message.bytes", String.valueOf(WEIGHT_CHUNK_BYTES + 64 * 1024)));

    public static final TopicDescriptor<TrainMetrics> METRICS = new TopicDescriptor<>(
        "vapo.metrics", "run id", TrainMetrics.class, 1, Map.of());

    public static final List<TopicDescriptor<?>> ALL = List.of(PROMPTS, ROLLOUTS, SCORED, ADVANTAGES, WEIGHTS, METRICS);

    /** Key of a weight chunk record: compaction keeps the newest record per model and chunk position. */
    public static String weightChunkKey(String modelName, int chunkIndex) {
        return modelName + "/" + chunkIndex;
    }
}
