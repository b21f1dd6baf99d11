package dev.vapostream.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.Await;
import dev.vapostream.model.weights.WeightCodec;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.metrics.StageMeters;
import dev.vapostream.schemas.weights.WeightChunks;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Bad records on the weights topic, for a running generator (model {@code policy}) and advantage
 * stage (model {@code critic}) while no learner publishes. Each kind passes when the stage reacts
 * as it must, read from the process's Prometheus registry: the generator counts an unreadable
 * chunk, refuses an older version and one failing its SHA-256, and loads a version whose chunk
 * arrives twice; the advantage stage, valuing a probe group, counts an unreadable critic chunk and
 * refuses an older critic version and one failing its SHA-256.
 */
final class WeightsCorpus {
    static final int KINDS = 7;
    private static final Duration REACTION = Duration.ofSeconds(60);

    private final ClusterEndpoints cluster;
    private final Serializer<WeightChunk> chunks;
    private final Serializer<ScoredGroup> groups;
    private final Map<String, String> topics;
    private final byte[] policyWeights;
    private final ScoredGroup probe;
    private final List<String> failures = new ArrayList<>();
    private int probes;

    WeightsCorpus(ClusterEndpoints cluster, SerdeSettings serdes, Map<String, String> topics, byte[] policyWeights,
                  ScoredGroup probe) {
        this.cluster = cluster;
        this.chunks = Topics.WEIGHTS.valueSerde(serdes).serializer();
        this.groups = Topics.SCORED.valueSerde(serdes).serializer();
        this.topics = topics;
        this.policyWeights = policyWeights;
        this.probe = probe;
    }

    /** Runs every kind; what did not hold, one line each. */
    List<String> run() throws Exception {
        Instant later = Instant.now();
        generatorReacts("bytes that are no weight chunk at policy/0", "vapo_generator_chunks_unreadable_total",
            () -> sendRaw("policy/0", "not a weight chunk".getBytes(StandardCharsets.UTF_8)));
        generatorReacts("an older policy version (an earlier publisher's v0)", "vapo_generator_versions_refused_total",
            () -> send(version("policy", ModelRole.POLICY, 0, Instant.EPOCH, policyWeights)));
        generatorReacts("a policy version failing its SHA-256", "vapo_generator_versions_refused_total",
            () -> send(withWrongSha(version("policy", ModelRole.POLICY, 1000, later, policyWeights))));
        List<WeightChunk> twice = version("policy", ModelRole.POLICY, 2000, later, policyWeights);
        twice.add(twice.get(0));
        generatorReacts("a policy version with a chunk sent twice (loaded all the same)", "vapo_generator_versions_loaded_total",
            () -> send(twice));
        criticReacts("bytes that are no weight chunk at critic/0",
            () -> sendRaw("critic/0", "not a weight chunk either".getBytes(StandardCharsets.UTF_8)));
        criticReacts("an older critic version (an earlier publisher's v0)",
            () -> send(version("critic", ModelRole.CRITIC, 0, Instant.EPOCH, new byte[] {1, 2, 3})));
        criticReacts("a critic version failing its SHA-256",
            () -> send(withWrongSha(version("critic", ModelRole.CRITIC, 3000, later, new byte[] {4, 5, 6}))));
        return failures;
    }

    private interface Send {
        void run() throws Exception;
    }

    private void generatorReacts(String kind, String counter, Send bad) throws Exception {
        double before = sample(counter);
        bad.run();
        awaitRise(kind, counter, before, () -> { });
    }

    /** The advantage stage reads the critic's chunks when it values a group, so a probe group is sent until it reacts. */
    private void criticReacts(String kind, Send bad) throws Exception {
        String counter = "vapo_advantage_stream_critic_refusals_total";
        double before = sample(counter);
        bad.run();
        awaitRise(kind, counter, before, this::sendProbe);
    }

    private void awaitRise(String kind, String counter, double before, Runnable nudge) {
        try {
            Await.until(REACTION, kind, () -> {
                nudge.run();
                return sample(counter) > before;
            });
        } catch (AssertionError e) {
            failures.add("weights " + kind + ": " + counter + " stayed at " + before);
        }
    }

    private static List<WeightChunk> version(String model, ModelRole role, long version, Instant publisherStartedAt,
                                             byte[] payload) {
        return new ArrayList<>(WeightChunks.split(new WeightChunks.Header(model, role, version, WeightCodec.FORMAT, Map.of(),
            publisherStartedAt), payload, Topics.WEIGHT_CHUNK_BYTES / 8, Instant.now()));
    }

    private static List<WeightChunk> withWrongSha(List<WeightChunk> version) {
        version.forEach(c -> c.setSha256("0".repeat(64)));
        return version;
    }

    private void send(List<WeightChunk> version) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (WeightChunk c : version) {
                producer.send(new ProducerRecord<>(topics.get("weights"), bytes(WeightChunks.key(c)),
                    chunks.serialize(topics.get("weights"), c))).get();
            }
        }
    }

    private void sendRaw(String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topics.get("weights"), bytes(key), value)).get();
        }
    }

    private void sendProbe() {
        ScoredGroup g = ScoredGroup.newBuilder(probe).build();
        String key = "probe/" + probes++;
        g.getRollout().setPromptId(key);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topics.get("scored"), bytes(key), groups.serialize(topics.get("scored"), g))).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send a probe group", e);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
            new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The sum of the scraped samples of {@code counter} (any labels). */
    private static double sample(String counter) {
        return StageMeters.registry().scrape().lines().filter(line -> line.startsWith(counter + "{") || line.startsWith(counter + " "))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
