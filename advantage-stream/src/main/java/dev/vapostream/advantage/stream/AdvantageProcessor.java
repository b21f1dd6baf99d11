package dev.vapostream.advantage.stream;

import java.util.ArrayList;
import java.util.List;

import dev.vapostream.advantage.AdvantageComputer;
import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ResponseGroup;
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
    private ReadOnlyKeyValueStore<String, ValueAndTimestamp<WeightChunk>> weights;

    AdvantageProcessor(EstimatorSelection estimators, String criticModel, CriticFollower critic) {
        this.estimators = estimators;
        this.criticModel = criticModel;
        this.critic = critic;
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
        GroupValidator.validate(group);
        ResponseGroup rollout = group.getRollout();
        EstimatorSettings settings = estimators.forGroup(rollout);
        int size = rollout.getResponses().size();
        double[] rewards = new double[size];
        int[] lengths = new int[size];
        List<List<Integer>> tokens = new ArrayList<>(size);
        int totalTokens = 0;
        for (int i = 0; i < size; i++) {
            rewards[i] = group.getScores().get(i).getReward();
            tokens.add(rollout.getResponses().get(i).getTokens());
            lengths[i] = tokens.get(i).size();
            totalTokens += lengths[i];
        }
        Long criticVersion = null;
        List<float[]> values = null;
        if (settings.needsCritic()) {
            CriticFollower.Loaded loaded = critic.current(this::chunkAt);
            criticVersion = loaded.version();
            values = loaded.critic().values(rollout.getPromptTokens(), tokens);
        }
        List<ResponseSignals> signals = AdvantageComputer.compute(settings, rewards, lengths, values);
        context.forward(record.withValue(AdvantageRecords.of(group, settings, criticVersion, signals)));
        AdvantageMetrics.groupDone(totalTokens);
    }

    private WeightChunk chunkAt(int index) {
        ValueAndTimestamp<WeightChunk> chunk = weights.get(Topics.weightChunkKey(criticModel, index));
        return chunk == null ? null : chunk.value();
    }
}
