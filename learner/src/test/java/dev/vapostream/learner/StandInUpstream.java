package dev.vapostream.learner;

import dev.vapostream.schemas.dlq.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageEstimator;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.AdvantageSettings;
import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.packed.ResponseArrays;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Test stand-in for generator + scorer + advantage stage: answers each admitted prompt with a
 * group sampled from a fixed policy, reward 1 for responses ending in the prompt's answer, and
 * group-mean-centred advantages. It lets the learner's Kafka behaviour be tested alone. It can
 * also play a stage that dead-letters every n-th prompt instead of answering it.
 */
final class StandInUpstream implements AutoCloseable {
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<String> answered = new ArrayList<>();
    private final List<String> deadLettered = new ArrayList<>();
    private final String deadLetterSource;
    private final int deadLetterEvery;
    private final Long criticVersion;
    private volatile RuntimeException failure;

    /** Groups record no critic version (their values are zeros, not a critic's). */
    StandInUpstream(ClusterEndpoints cluster, String promptsTopic, String advantagesTopic, byte[] policyWeights, int groupSize) {
        this(cluster, promptsTopic, advantagesTopic, policyWeights, groupSize, null, 0, null);
    }

    /** As above, but every {@code deadLetterEvery}-th prompt goes to {@code deadLetterSource}'s dead-letter topic. */
    StandInUpstream(ClusterEndpoints cluster, String promptsTopic, String advantagesTopic, byte[] policyWeights, int groupSize,
                    String deadLetterSource, int deadLetterEvery) {
        this(cluster, promptsTopic, advantagesTopic, policyWeights, groupSize, deadLetterSource, deadLetterEvery, null);
    }

    /** {@code criticVersion}: the critic version every group claims to be valued by (null: none). */
    StandInUpstream(ClusterEndpoints cluster, String promptsTopic, String advantagesTopic, byte[] policyWeights, int groupSize,
                    String deadLetterSource, int deadLetterEvery, Long criticVersion) {
        this.deadLetterSource = deadLetterSource;
        this.deadLetterEvery = deadLetterEvery;
        this.criticVersion = criticVersion;
        thread = new Thread(() -> {
            try (PolicyModel policy = PolicyModel.fromWeights(policyWeights)) {
                loop(cluster, promptsTopic, advantagesTopic, policy, groupSize);
            } catch (RuntimeException e) {
                failure = e;
            }
        }, "stand-in-upstream");
        thread.start();
    }

    synchronized List<String> answered() {
        if (failure != null) {
            throw failure;
        }
        return List.copyOf(answered);
    }

    synchronized List<String> deadLettered() {
        if (failure != null) {
            throw failure;
        }
        return List.copyOf(deadLettered);
    }

    private void loop(ClusterEndpoints cluster, String promptsTopic, String advantagesTopic, PolicyModel policy, int g) {
        SerdeSettings serdes = SerdeSettings.apicurio(cluster.registryBaseUrl());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "stand-in-" + promptsTopic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        CharTokenizer tokens = CharTokenizer.forBuiltInTask();
        try (KafkaConsumer<String, Prompt> consumer = new KafkaConsumer<>(c, Topics.PROMPTS.keySerde().deserializer(),
                 Topics.PROMPTS.valueSerde(serdes).deserializer());
             KafkaProducer<String, AdvantageGroup> producer = new KafkaProducer<>(p, Topics.ADVANTAGES.keySerde().serializer(),
                 Topics.ADVANTAGES.valueSerde(serdes).serializer());
             KafkaProducer<byte[], byte[]> deadLetters = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.subscribe(List.of(promptsTopic));
            long seed = 0;
            long received = 0;
            while (running.get()) {
                for (ConsumerRecord<String, Prompt> r : consumer.poll(Duration.ofMillis(100))) {
                    received++;
                    if (deadLetterEvery > 0 && received % deadLetterEvery == 0) {
                        deadLetters.send(DeadLetter.of("stand-in", new DeadLetter.Source(deadLetterSource, 0, received),
                            r.key().getBytes(StandardCharsets.UTF_8), new byte[] {0}, null,
                            new IllegalArgumentException("stand-in: this group cannot be scored")));
                        deadLetters.flush();
                        synchronized (this) {
                            deadLettered.add(r.key());
                        }
                        continue;
                    }
                    int[] prompt = tokens.encodePrompt(r.value().getText());
                    List<int[]> prompts = new ArrayList<>();
                    for (int i = 0; i < g; i++) {
                        prompts.add(prompt);
                    }
                    List<SampledResponse> sampled = new Sampler(policy).sample(prompts, SamplingSettings.unbiased(12), seed++);
                    producer.send(new ProducerRecord<>(advantagesTopic, r.key(), group(r.value(), prompt, sampled, tokens)));
                    synchronized (this) {
                        answered.add(r.key());
                    }
                }
                producer.flush();
            }
        }
    }

    private AdvantageGroup group(Prompt prompt, int[] promptTokens, List<SampledResponse> sampled, CharTokenizer tokens) {
        double[] rewards = new double[sampled.size()];
        double mean = 0;
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = tokens.decode(sampled.get(i).tokens()).endsWith("#" + prompt.getAnswer()) ? 1 : 0;
            mean += rewards[i] / rewards.length;
        }
        List<ResponseAdvantage> responses = new ArrayList<>();
        for (int i = 0; i < rewards.length; i++) {
            SampledResponse s = sampled.get(i);
            int n = s.tokens().length;
            float[] advantages = new float[n];
            float[] returns = new float[n];
            Arrays.fill(advantages, (float) (rewards[i] - mean));
            Arrays.fill(returns, (float) rewards[i]);
            ResponseArrays arrays = new ResponseArrays(s.tokens(), s.logProbs(), new float[n], advantages, returns);
            responses.add(ResponseAdvantage.newBuilder().setPacked(arrays.packed()).setFinishReason(FinishReason.EOS)
                .setReward(rewards[i]).setCorrect(rewards[i] == 1).setLambdaPolicy(1.0).build());
        }
        List<Integer> promptIds = new ArrayList<>();
        for (int t : promptTokens) {
            promptIds.add(t);
        }
        return AdvantageGroup.newBuilder().setPromptId(prompt.getId()).setPromptTokens(promptIds)
            .setPolicyVersion(prompt.getAdmittedAtVersion()).setCriticVersion(criticVersion)
            .setSettings(AdvantageSettings.newBuilder().setEstimator(AdvantageEstimator.DR_GRPO).setGamma(1).setLambdaCritic(1)
                .setLambdaPolicy(1).setAlpha(0.05).build())
            .setResponses(responses).setAdmittedAtVersion(prompt.getAdmittedAtVersion()).setComputedAtMs(Instant.now())
            .build();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
    }
}
