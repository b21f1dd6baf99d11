package dev.vapostream.advantage.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;

import dev.vapostream.advantage.stream.AdvantageConfig;
import dev.vapostream.advantage.stream.AdvantageTopology;
import dev.vapostream.advantage.stream.Critic;
import dev.vapostream.advantage.stream.CriticFollower;
import dev.vapostream.advantage.stream.CriticLoader;
import dev.vapostream.advantage.stream.DjlCritic;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.LocalCluster;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ResponseScore;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.SamplingSettings;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.weights.WeightChunks;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Throughput of the advantage stage through a real broker and registry: scored groups are
 * written first, then the app is started and timed until every advantage group is committed.
 * Two modes: "values-excluded" (the critic answers zeros, so the time is Kafka, Avro and GAE) and
 * "djl-critic" (the built-in critic, batched per group). Usage:
 * {@code AdvantageThroughput [groups=400] [runs=3] [modes=values-excluded,djl-critic] [threads=1]}.
 */
public final class AdvantageThroughput {
    private static final int GROUP_SIZE = 16;

    private AdvantageThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new java.util.HashMap<>();
        for (String a : args) {
            opts.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        int groups = Integer.parseInt(opts.getOrDefault("groups", "400"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        List<String> modes = List.of(opts.getOrDefault("modes", "values-excluded,djl-critic").split(","));
        String threads = opts.getOrDefault("threads", "1");
        Path work = Files.createTempDirectory("vapo-adv-bench");
        try (LocalCluster cluster = LocalCluster.start(work)) {
            List<ScoredGroup> input = groups(groups, new SplittableRandom(1));
            long tokens = input.stream().flatMap(g -> g.getRollout().getResponses().stream())
                .mapToLong(r -> r.getTokens().size()).sum();
            System.out.printf(Locale.ROOT, "%d groups x %d responses, %d response tokens%n", groups, GROUP_SIZE, tokens);
            for (String mode : modes) {
                double[] rates = new double[runs];
                for (int run = 0; run < runs; run++) {
                    double seconds = oneRun(cluster.endpoints(), work, input, mode, threads);
                    rates[run] = tokens / seconds;
                    System.out.printf(Locale.ROOT, "%s run %d: %.2f s, %.0f tokens/s, %.1f groups/s%n",
                        mode, run + 1, seconds, rates[run], groups / seconds);
                }
                Arrays.sort(rates);
                System.out.printf(Locale.ROOT, "%s median: %.0f tokens/s%n", mode, rates[runs / 2]);
            }
        }
    }

    private static double oneRun(ClusterEndpoints cluster, Path work, List<ScoredGroup> input, String mode, String threads)
        throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster.bootstrapServers());
        p.setProperty("registry.url", cluster.registryBaseUrl());
        p.setProperty("application.id", "adv-bench-" + id);
        p.setProperty("input.topic", "bench.scored-" + id);
        p.setProperty("output.topic", "bench.advantages-" + id);
        p.setProperty("weights.topic", "bench.weights-" + id);
        p.setProperty("state.dir", work.resolve("state-" + id).toString());
        p.setProperty("kafka.num.stream.threads", threads);
        AdvantageConfig config = AdvantageConfig.fromProperties(p);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(Topics.SCORED.withName(config.inputTopic()),
                Topics.ADVANTAGES.withName(config.outputTopic()), Topics.WEIGHTS.withName(config.weightsTopic())), (short) 1);
        }
        publishInputs(cluster, config, input);
        CriticLoader loader = mode.equals("djl-critic") ? DjlCritic::fromWeights : payload -> new ZeroCritic();
        long start = System.nanoTime();
        try (CriticFollower critic = new CriticFollower(config.criticModelName(), loader, config.criticLookInterval(),
            System::nanoTime);
             KafkaStreams streams = new KafkaStreams(AdvantageTopology.build(config, critic), config.streamsProperties())) {
            streams.start();
            awaitCount(cluster, config.outputTopic(), input.size());
            double seconds = (System.nanoTime() - start) / 1e9;
            streams.close(Duration.ofSeconds(30));
            return seconds;
        }
    }

    private static void publishInputs(ClusterEndpoints cluster, AdvantageConfig config, List<ScoredGroup> input) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        byte[] critic;
        try (ValueModel model = ValueModel.initialise(BuiltInTask.DEFAULT.defaultModelConfig(), 3)) {
            critic = model.encodeWeights();
        }
        try (KafkaProducer<String, WeightChunk> weights = new KafkaProducer<>(pp, new StringSerializer(),
                 Topics.WEIGHTS.valueSerde(config.serdes()).serializer());
             KafkaProducer<String, ScoredGroup> scored = new KafkaProducer<>(pp, new StringSerializer(),
                 Topics.SCORED.valueSerde(config.serdes()).serializer())) {
            for (WeightChunk c : WeightChunks.split(new WeightChunks.Header("critic", ModelRole.CRITIC, 0, "djl", Map.of(), java.time.Instant.EPOCH),
                critic, Topics.WEIGHT_CHUNK_BYTES, java.time.Instant.now())) {
                weights.send(new ProducerRecord<>(config.weightsTopic(), WeightChunks.key(c), c));
            }
            for (ScoredGroup g : input) {
                scored.send(new ProducerRecord<>(config.inputTopic(), g.getRollout().getPromptId(), g));
            }
            weights.flush();
            scored.flush();
        }
    }

    private static void awaitCount(ClusterEndpoints cluster, String topic, int count) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-count-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long seen = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (seen < count) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + seen + " of " + count + " groups after 10 minutes");
                }
                seen += consumer.poll(Duration.ofMillis(100)).count();
            }
        }
    }

    /** Built-in task shaped groups: response lengths 8..120 tokens (they must fit the critic's context). */
    static List<ScoredGroup> groups(int n, SplittableRandom random) {
        List<ScoredGroup> out = new ArrayList<>(n);
        for (int g = 0; g < n; g++) {
            List<SampledResponse> responses = new ArrayList<>();
            List<ResponseScore> scores = new ArrayList<>();
            for (int i = 0; i < GROUP_SIZE; i++) {
                int length = 8 + random.nextInt(113);
                List<Integer> tokens = new ArrayList<>(length);
                List<Float> logProbs = new ArrayList<>(length);
                for (int t = 0; t < length; t++) {
                    tokens.add(3 + random.nextInt(15));
                    logProbs.add((float) -random.nextDouble());
                }
                responses.add(SampledResponse.newBuilder().setTokens(tokens).setText("").setBehaviourLogProbs(logProbs)
                    .setFinishReason(FinishReason.EOS).build());
                boolean right = random.nextBoolean();
                scores.add(ResponseScore.newBuilder().setReward(right ? 1 : 0).setCorrect(right).setFormatError(false).build());
            }
            ResponseGroup rollout = ResponseGroup.newBuilder().setPromptId("g" + g).setPromptText("")
                .setAnswer("0").setPromptTokens(List.of(CharTokenizer.BOS, 4, 5)).setPolicyVersion(0).setModelName("policy")
                .setSampling(SamplingSettings.newBuilder().setTemperature(1f).setMaxNewTokens(120).build())
                .setResponses(responses).setGeneratorId("bench").setCreatedAtMs(java.time.Instant.now()).build();
            out.add(ScoredGroup.newBuilder().setRollout(rollout).setScores(scores).setScorers(List.of())
                .setScoredAtMs(java.time.Instant.now()).build());
        }
        return out;
    }

    /** Benchmark-only critic that values every state at 0: isolates everything but inference. */
    private static final class ZeroCritic implements Critic {
        @Override
        public List<float[]> values(List<Integer> promptTokens, List<List<Integer>> responses) {
            List<float[]> out = new ArrayList<>(responses.size());
            responses.forEach(r -> out.add(new float[r.size()]));
            return out;
        }

        @Override
        public void close() {
        }
    }
}
