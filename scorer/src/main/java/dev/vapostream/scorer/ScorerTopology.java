package dev.vapostream.scorer;

import dev.vapostream.schemas.avro.ScoredGroup;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;

/**
 * The scoring stage as a topology: {@code input.topic} → score every group with the configured
 * chain → {@code output.topic}. Pure: builds serdes and processors, performs no I/O.
 */
public final class ScorerTopology {
    public static final String SOURCE = "scorer-source";
    public static final String PROCESSOR = "score-groups";
    public static final String SINK = "scorer-sink";

    private ScorerTopology() {
    }

    @SuppressWarnings("unchecked")
    public static Topology build(ScorerConfig config) {
        Serde<?> inputSerde = config.inputDescriptor().valueSerde(config.serde());
        Serde<ScoredGroup> outputSerde = config.outputDescriptor().valueSerde(config.serde());
        // Built with the app's settings: a bare new Topology() validates an empty StreamsConfig and logs misleading warnings.
        Topology topology = new Topology(new TopologyConfig(new StreamsConfig(config.streamsProperties())));
        topology.addSource(SOURCE, Serdes.String().deserializer(), (Deserializer<Object>) inputSerde.deserializer(),
            config.inputTopic());
        topology.addProcessor(PROCESSOR,
            () -> new ScoringProcessor(config.scorers(), config.groupTimeout(), config.stage()), SOURCE);
        topology.addSink(SINK, config.outputTopic(), Serdes.String().serializer(), outputSerde.serializer(), PROCESSOR);
        return topology;
    }
}
