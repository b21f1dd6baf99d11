package dev.vapostream.advantage.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.vapostream.advantage.AdvantageComputer;
import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.advantage.stream.AdvantageRecords;
import dev.vapostream.advantage.stream.DjlCritic;
import dev.vapostream.advantage.stream.GroupAdvantages;
import dev.vapostream.advantage.stream.CriticFollower;
import dev.vapostream.advantage.stream.InvalidGroupException;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.packed.ResponseArrays;
import dev.vapostream.schemas.weights.AssembledWeights;
import dev.vapostream.schemas.weights.PublishedVersion;
import dev.vapostream.schemas.weights.WeightChunks;
import dev.vapostream.schemas.io.AvroFiles;
import dev.vapostream.schemas.io.BoundedTopicReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Re-runs advantage computation over a recorded log with other settings, with no regeneration.
 * From {@code vapo.scored} the critic values the responses again; from {@code vapo.advantages} the
 * stored values are reused and no model is loaded at all.
 */
public final class Replayer {
    /** Critic publications kept while reading the weights topic: the newest that loads among them is used. */
    private static final int CRITIC_PUBLICATIONS_KEPT = 4;

    private Replayer() {
    }

    /** What a replay did, and the comparison of the two settings. */
    public record Report(long groups, long invalid, List<String> problems, Long criticVersion,
                         AdvantageStats baseline, AdvantageStats replayed) {
        public String table() {
            return AdvantageStats.header() + baseline.table() + replayed.table();
        }
    }

    public static Report run(ReplayOptions o) {
        return o.fromAdvantages() ? fromAdvantages(o) : fromScored(o);
    }

    private static Report fromAdvantages(ReplayOptions o) {
        AdvantageStats recorded = new AdvantageStats("recorded");
        AdvantageStats replayed = new AdvantageStats(label(o.settings()));
        Tally tally = new Tally();
        try (AdvantageSink sink = AdvantageSink.open(o)) {
            forEachInput(o, Topics.ADVANTAGES, AdvantageGroup.class, tally, group -> {
                List<ResponseArrays> arrays = checkedArrays(group);
                double[] rewards = new double[arrays.size()];
                int[] lengths = new int[arrays.size()];
                List<float[]> valueList = new ArrayList<>();
                for (int i = 0; i < arrays.size(); i++) {
                    rewards[i] = group.getResponses().get(i).getReward();
                    lengths[i] = arrays.get(i).tokens().length;
                    valueList.add(arrays.get(i).values());
                    recorded.add(arrays.get(i).advantages(), rewards[i]);
                }
                List<ResponseSignals> signals = AdvantageComputer.compute(o.settings(), rewards, lengths, valueList);
                addAll(replayed, signals, rewards);
                sink.accept(group.getPromptId(), AdvantageRecords.recomputed(group, o.settings(), signals));
            });
        }
        return new Report(tally.groups, tally.invalid, tally.problems, null, recorded, replayed);
    }

    private static Report fromScored(ReplayOptions o) {
        EstimatorSettings baselineSettings = o.baseline() == null ? EstimatorSettings.vapo() : o.baseline();
        AdvantageStats baseline = new AdvantageStats(label(baselineSettings));
        AdvantageStats replayed = new AdvantageStats(label(o.settings()));
        Tally tally = new Tally();
        boolean needsCritic = o.settings().needsCritic() || baselineSettings.needsCritic();
        CriticFollower.Loaded critic = needsCritic ? loadCritic(o) : null;
        try (AdvantageSink sink = AdvantageSink.open(o)) {
            forEachInput(o, Topics.SCORED, ScoredGroup.class, tally, group -> {
                GroupAdvantages.Valued valued = GroupAdvantages.value(group, critic);
                addAll(baseline, valued.signals(baselineSettings), valued.rewards());
                List<ResponseSignals> signals = valued.signals(o.settings());
                addAll(replayed, signals, valued.rewards());
                sink.accept(group.getRollout().getPromptId(), valued.record(o.settings(), signals));
            });
        } finally {
            if (critic != null) {
                critic.critic().close();
            }
        }
        return new Report(tally.groups, tally.invalid, tally.problems, critic == null ? null : critic.version(),
            baseline, replayed);
    }

    /** "VAPO α=0.05 γ=1.0" and the like, to label comparison rows. */
    static String label(EstimatorSettings s) {
        return switch (s.estimator()) {
            case VAPO -> "VAPO alpha=" + s.alpha();
            case DECOUPLED_GAE -> "decoupled lp=" + s.lambdaPolicy();
            case FIXED_LAMBDA_GAE -> "GAE lambda=" + s.lambdaPolicy();
            default -> s.estimator().toString();
        } + (s.gamma() == 1.0 ? "" : " gamma=" + s.gamma());
    }

    private static void addAll(AdvantageStats stats, List<ResponseSignals> signals, double[] rewards) {
        for (int i = 0; i < signals.size(); i++) {
            stats.add(signals.get(i).advantages(), rewards[i]);
        }
    }

    /**
     * The per-token arrays of a recorded group (either wire format), after checking what the replay
     * reads and copies: one finite log-prob (at most 0) and value per token, a finite reward, no
     * empty response. The vocabulary and context are not checked here (the replay has no model);
     * the learner does.
     */
    private static List<ResponseArrays> checkedArrays(AdvantageGroup group) {
        List<ResponseArrays> out = new ArrayList<>(group.getResponses().size());
        for (int i = 0; i < group.getResponses().size(); i++) {
            ResponseAdvantage r = group.getResponses().get(i);
            String where = "group " + group.getPromptId() + ", response " + i;
            ResponseArrays arrays;
            try {
                arrays = ResponseArrays.of(r);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            int tokens = arrays.tokens().length;
            if (tokens == 0) {
                throw new IllegalArgumentException(where + " is empty (0 tokens)");
            }
            if (arrays.values().length != tokens || arrays.behaviourLogProbs().length != tokens
                || arrays.advantages().length != tokens) {
                throw new IllegalArgumentException(where + " has " + tokens + " tokens but " + arrays.values().length
                    + " stored values, " + arrays.behaviourLogProbs().length + " behaviour log-probs and "
                    + arrays.advantages().length + " advantages");
            }
            if (!Double.isFinite(r.getReward())) {
                throw new IllegalArgumentException(where + " has a reward " + r.getReward());
            }
            for (int t = 0; t < tokens; t++) {
                float value = arrays.values()[t];
                float logProb = arrays.behaviourLogProbs()[t];
                if (!Float.isFinite(value) || !Float.isFinite(logProb) || logProb > 0f) {
                    throw new IllegalArgumentException(where + " has, at token " + t + ", a stored value " + value
                        + " and a behaviour log-prob " + logProb + " (finite values and log-probs <= 0 expected)");
                }
            }
            out.add(arrays);
        }
        return out;
    }

    /** The critic from --critic-weights (version -1: unknown), else the newest on the weights topic. */
    private static CriticFollower.Loaded loadCritic(ReplayOptions o) {
        if (o.criticWeights() != null) {
            try {
                return new CriticFollower.Loaded(DjlCritic.fromWeights(Files.readAllBytes(o.criticWeights())), -1);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read critic weights " + o.criticWeights(), e);
            }
        }
        if (o.bootstrapServers() == null) {
            throw new IllegalArgumentException("the scored path needs a critic: --critic-weights FILE or a cluster with "
                + o.weightsTopic());
        }
        NavigableMap<PublishedVersion, Map<Integer, WeightChunk>> publications = new TreeMap<>();
        Serde<WeightChunk> serde = Topics.WEIGHTS.valueSerde(o.serdes());
        BoundedTopicReader.read(o.bootstrapServers(), o.kafka(), o.weightsTopic(), BoundedTopicReader.Start.beginning(),
            null, serde.deserializer(), r -> {
                if (r.value() != null && r.value().getModelName().equals(o.criticModel())) {
                    publications.computeIfAbsent(PublishedVersion.of(r.value()), v -> new HashMap<>())
                        .put(r.value().getChunkIndex(), r.value());
                    if (publications.size() > CRITIC_PUBLICATIONS_KEPT) {
                        publications.pollFirstEntry();
                    }
                }
            }, raw -> { });
        return newestThatLoads(o, publications);
    }

    /**
     * The newest critic publication (in {@link PublishedVersion} order) that is complete, passes its
     * SHA-256 and loads; the ones passed over are listed on stderr with why, as the live stage would
     * refuse them.
     */
    private static CriticFollower.Loaded newestThatLoads(ReplayOptions o,
                                                         NavigableMap<PublishedVersion, Map<Integer, WeightChunk>> publications) {
        List<String> passedOver = new ArrayList<>();
        for (Map.Entry<PublishedVersion, Map<Integer, WeightChunk>> p : publications.descendingMap().entrySet()) {
            try {
                Optional<AssembledWeights> w = WeightChunks.assembleLatest(p.getValue()::get);
                if (w.isPresent()) {
                    CriticFollower.Loaded loaded = new CriticFollower.Loaded(DjlCritic.fromWeights(w.get().payload()),
                        w.get().version());
                    passedOver.forEach(reason -> System.err.println("replay: critic passed over: " + reason));
                    return loaded;
                }
                passedOver.add(p.getKey() + " is incomplete");
            } catch (RuntimeException e) {
                passedOver.add(p.getKey() + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("no complete, valid critic '" + o.criticModel() + "' among the newest "
            + CRITIC_PUBLICATIONS_KEPT + " on " + o.weightsTopic() + " (" + passedOver + "); pass --critic-weights FILE");
    }

    private static final class Tally {
        long groups;
        long invalid;
        final List<String> problems = new ArrayList<>();

        /** Every skipped record is listed: an operator reconciles them with the dead-letter topics. */
        void problem(String what) {
            invalid++;
            problems.add(what);
        }
    }

    /** The deserializer's own reason for refusing the record. */
    private static String whyUndecodable(Serde<?> serde, ConsumerRecord<String, byte[]> raw) {
        try {
            serde.deserializer().deserialize(raw.topic(), raw.headers(), raw.value());
            return "undecodable";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static <V extends SpecificRecord> void forEachInput(ReplayOptions o, TopicDescriptor<V> topic, Class<V> type,
                                                                Tally tally, Consumer<V> body) {
        Consumer<V> guarded = v -> {
            try {
                body.accept(v);
                tally.groups++;
            } catch (IllegalArgumentException | InvalidGroupException e) {
                // Bad records are reported and skipped: the live stage has dead-lettered them already.
                tally.problem(e.getMessage());
            }
        };
        if (o.inputFile() != null) {
            AvroFiles.read(o.inputFile(), type, guarded);
            return;
        }
        Serde<V> serde = topic.withName(o.inputTopic()).valueSerde(o.serdes());
        BoundedTopicReader.read(o.bootstrapServers(), o.kafka(), o.inputTopic(), o.start(), o.until(),
            serde.deserializer(), r -> {
                if (r.value() == null) {
                    tally.problem("tombstone (no value) at " + r.topic() + "-" + r.partition() + "@" + r.offset());
                } else {
                    guarded.accept(r.value());
                }
            },
            raw -> tally.problem("undecodable record at " + raw.topic() + "-" + raw.partition() + "@" + raw.offset() + ": "
                + whyUndecodable(serde, raw)));
    }
}
