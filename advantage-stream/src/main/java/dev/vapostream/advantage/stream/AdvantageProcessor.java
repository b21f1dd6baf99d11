package dev.vapostream.advantage.stream;


import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.WeightChunk;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Scored group in, advantage group out: validates the group, asks the critic for the values of
 * all its responses in one batch, and runs the estimator its run contract names (see
 * {@link EstimatorSelection}). Anything wrong with the
 * input throws, and the processing handler dead-letters the group.
 */
final class AdvantageProcessor implements Processor<String, ScoredGroup, String, AdvantageGroup> {
    private final EstimatorSelection estimators;
    private final String criticModel;
    private final CriticFollower critic;
    private ProcessorContext<String, AdvantageGroup> context;
    private final WeightChunkReader chunks;
    private ReadOnlyKeyValueStore<String, ValueAndTimestamp<byte[]>> weights;

    AdvantageProcessor(EstimatorSelection estimators, String criticModel, CriticFollower critic, WeightChunkReader chunks) {
        this.estimators = estimators;
        this.criticModel = criticModel;
        this.critic = critic;
        this.chunks = chunks;
    }

    @Override
    public void init(ProcessorContext<String, AdvantageGroup> context) {
        this.context = context;
        this.weights = context.getStateStore(AdvantageTopology.WEIGHTS_STORE);
    }

    @Override
    public void process(Record<String, ScoredGroup> record) {
        ScoredGroup group = record.value();
        if (group == null) {
            throw new InvalidGroupException("record with key " + record.key() + " has no value (tombstone)");
        }
        long started = System.nanoTime();
        EstimatorSettings settings = estimators.forGroup(group.getRollout());
        GroupAdvantages.Valued valued = GroupAdvantages.value(group,
            settings.needsCritic() ? critic.current(this::chunkAt) : null);
        long valuedAt = System.nanoTime();
        AdvantageGroup advantages = valued.record(settings, valued.signals(settings));
        long computedAt = System.nanoTime();
        context.forward(record.withValue(advantages));
        AdvantageMetrics.groupDone(valued.tokens(), (valuedAt - started) / 1e9, (computedAt - valuedAt) / 1e9);
    }

    @Override
    public void close() {
        chunks.close();
    }

    private WeightChunk chunkAt(int index) {
        String key = Topics.weightChunkKey(criticModel, index);
        ValueAndTimestamp<byte[]> chunk = weights.get(key);
        return chunks.read(key, chunk == null ? null : chunk.value());
    }
}
