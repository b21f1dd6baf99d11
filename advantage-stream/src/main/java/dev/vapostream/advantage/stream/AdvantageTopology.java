package dev.vapostream.advantage.stream;

import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.WeightChunk;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@code vapo.scored} → {@code vapo.advantages}. The weights topic is read into a global store
 * (compacted: the newest chunk at each position of each model), as raw bytes, from which the
 * processor assembles the newest complete critic between groups.
 */
public final class AdvantageTopology {
    public static final String WEIGHTS_STORE = "weights-store";

    private AdvantageTopology() {
    }

    /** The topology for {@code config}; {@code critic} follows the weights and is closed by the caller. */
    public static Topology build(AdvantageConfig config, CriticFollower critic) {
        Serde<ScoredGroup> scored = Topics.SCORED.valueSerde(config.serdes());
        Serde<AdvantageGroup> advantages = Topics.ADVANTAGES.valueSerde(config.serdes());
        StreamsBuilder builder = new StreamsBuilder();
        // Raw bytes: a chunk is decoded when read (WeightChunkReader), where a bad one cannot stop the stage.
        builder.globalTable(config.weightsTopic(),
            Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("read-weights"),
            Materialized.<String, byte[], KeyValueStore<Bytes, byte[]>>as(WEIGHTS_STORE)
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()));
        builder.stream(config.inputTopic(), Consumed.with(Serdes.String(), scored).withName("read-scored-groups"))
            .process(() -> new AdvantageProcessor(new EstimatorSelection(config.estimator(), config.overrideRunContract()),
                    config.criticModelName(), critic, new WeightChunkReader(config.weightsTopic(),
                    Topics.WEIGHTS.valueSerde(config.serdes()).deserializer())),
                Named.as("compute-advantages"))
            .to(config.outputTopic(), Produced.with(Serdes.String(), advantages).withName("write-advantage-groups"));
        // Built with the app's settings so topology-level options (e.g. the global processing handler) apply.
        return builder.build(config.streamsProperties());
    }
}
