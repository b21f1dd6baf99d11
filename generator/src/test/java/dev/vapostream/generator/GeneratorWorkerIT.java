package dev.vapostream.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

import javax.management.ObjectName;

import ai.djl.ndarray.NDManager;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.Await;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.dlq.DeadLetter;
import dev.vapostream.schemas.weights.WeightChunks;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedCluster.class)
class GeneratorWorkerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int G = 4;

    /** One test's topics, consumer group and serdes. */
    private record Pipeline(ClusterEndpoints cluster, String prompts, String rollouts, String weights, String group,
                            SerdeSettings serdes) {
        static Pipeline create(ClusterEndpoints cluster) {
            Pipeline p = new Pipeline(cluster, TestTopics.unique("gen-it.prompts"), TestTopics.unique("gen-it.rollouts"),
                TestTopics.unique("gen-it.weights"), TestTopics.unique("gen-it.group"),
                SerdeSettings.apicurio(cluster.registryBaseUrl()));
            try (Admin admin = p.admin()) {
                TopicAdmin.ensure(admin, List.of(Topics.PROMPTS.withName(p.prompts), Topics.ROLLOUTS.withName(p.rollouts),
                    Topics.WEIGHTS.withName(p.weights)), (short) 1);
            }
            return p;
        }

        Admin admin() {
            return Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
        }

        GeneratorConfig worker(String id, int groupsInFlight) {
            Properties props = new Properties();
            props.setProperty("bootstrap.servers", cluster.bootstrapServers());
            props.setProperty("registry.url", cluster.registryBaseUrl());
            props.setProperty("prompts.topic", prompts);
            props.setProperty("rollouts.topic", rollouts);
            props.setProperty("weights.topic", weights);
            props.setProperty("group.id", group);
            props.setProperty("worker.id", id);
            props.setProperty("group.size", String.valueOf(G));
            props.setProperty("max.new.tokens", "24");
            props.setProperty("max.groups.in.flight", String.valueOf(groupsInFlight));
            props.setProperty("metrics.log.interval.ms", "2000");
            props.setProperty("topics.create", "false");
            // A worker that dies mid-transaction blocks its partitions until the broker aborts it.
            props.setProperty("kafka.transaction.timeout.ms", "3000");
            // A dead worker's partitions move on after the session timeout (6 s is the broker's minimum).
            props.setProperty("kafka.session.timeout.ms", "6000");
            props.setProperty("kafka.heartbeat.interval.ms", "1000");
            return GeneratorConfig.fromProperties(props);
        }

        void publishPrompts(List<Prompt> values) throws Exception {
            Serializer<Prompt> serializer = Topics.PROMPTS.valueSerde(serdes).serializer();
            try (KafkaProducer<String, Prompt> producer = new KafkaProducer<>(producerProps(), new StringSerializer(), serializer)) {
                for (Prompt prompt : values) {
                    producer.send(new ProducerRecord<>(prompts, prompt.getId(), prompt)).get();
                }
            }
        }

        void publishWeights(List<WeightChunk> chunks) throws Exception {
            Serializer<WeightChunk> serializer = Topics.WEIGHTS.valueSerde(serdes).serializer();
            try (KafkaProducer<String, WeightChunk> producer = new KafkaProducer<>(producerProps(), new StringSerializer(), serializer)) {
                for (WeightChunk chunk : chunks) {
                    producer.send(new ProducerRecord<>(weights, WeightChunks.key(chunk), chunk)).get();
                }
            }
        }

        void publishRaw(String key, byte[] value) throws Exception {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(prompts, key.getBytes(StandardCharsets.UTF_8), value)).get();
            }
        }

        Properties producerProps() {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            return p;
        }

        <V> KafkaConsumer<String, V> reader(String topic, Deserializer<V> values, String isolation) {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, TestTopics.unique("reader"));
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
            KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, new StringDeserializer(), values);
            consumer.subscribe(List.of(topic));
            return consumer;
        }

        /** True when every partition's last stable offset is its end: no transaction is open on the topic. */
        boolean noOpenTransactions(String topic) {
            try (Admin admin = admin()) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int i = 0; i < Topics.ROLLOUTS.partitions(); i++) {
                    latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
                }
                var stable = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                    org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get();
                var end = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                    org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)).all().get();
                return latest.keySet().stream().allMatch(tp -> stable.get(tp).offset() == end.get(tp).offset());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Members of the generators' consumer group (0 if it does not exist yet). */
        int groupMembers() {
            try (Admin admin = admin()) {
                return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                    return 0;
                }
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        /** True once the generators' committed offsets cover every prompt record. */
        boolean allPromptsCommitted() {
            try (Admin admin = admin()) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int i = 0; i < Topics.PROMPTS.partitions(); i++) {
                    latest.put(new TopicPartition(prompts, i), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(latest).all().get();
                for (var end : ends.entrySet()) {
                    OffsetAndMetadata c = committed.get(end.getKey());
                    long position = c == null ? 0 : c.offset();
                    if (position < end.getValue().offset()) {
                        return false;
                    }
                }
                return true;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void twoWorkersAnswerEveryPromptExactlyOnceEvenWhenOneDiesInTheMiddleOfATransaction(ClusterEndpoints cluster)
        throws Exception {
        // Given two workers on one consumer group, started before any policy exists
        Pipeline pipeline = Pipeline.create(cluster);
        GeneratorWorker a = new GeneratorWorker(pipeline.worker("w-a", 2));
        GeneratorWorker b = new GeneratorWorker(pipeline.worker("w-b", 2));
        Thread ta = new Thread(a, "generator-w-a");
        Thread tb = new Thread(b, "generator-w-b");
        ta.start();
        tb.start();
        try {
            Await.until(TIMEOUT, "both workers waiting for a policy", () ->
                a.state() == GeneratorWorker.State.WAITING_FOR_POLICY && b.state() == GeneratorWorker.State.WAITING_FOR_POLICY);

            // And 40 prompts, one undeserializable record and one prompt too long for the context
            List<Prompt> prompts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                prompts.add(TestPolicies.prompt("p-" + i, (1 + i % 9) + "+" + (1 + i % 7) + "-3="));
            }
            pipeline.publishPrompts(prompts);
            pipeline.publishRaw("poison", "not avro".getBytes(StandardCharsets.UTF_8));
            pipeline.publishPrompts(List.of(TestPolicies.prompt("too-long", "1+".repeat(30) + "1=")));

            // Then without a policy neither worker has even joined the consumer group
            assertEquals(GeneratorWorker.State.WAITING_FOR_POLICY, a.state());
            assertEquals(GeneratorWorker.State.WAITING_FOR_POLICY, b.state());
            assertEquals(0, pipeline.groupMembers());

            // When policy version 0 is published, both start; and worker A dies in the middle of a transaction
            pipeline.publishWeights(TestPolicies.chunks("policy", 0, TestPolicies.weights(7)));
            Await.until(TIMEOUT, "worker A committing its first groups", () -> a.metrics().value("groups-total") >= 2,
                () -> "A: " + a.state() + ", B: " + b.state());
            a.halt();
            assertTrue(a.awaitStopped(TIMEOUT), "worker A did not halt");
            assertTrue(a.abandonedGroups() > 0, "worker A halted between transactions; the test needs it to die inside one");

            // Then worker B takes over A's partitions once A's session expires, and every prompt's offset gets committed
            Await.until(TIMEOUT, "all prompts committed by the surviving worker", pipeline::allPromptsCommitted,
                () -> "B: " + b.state() + " " + b.metrics().summary());

            // And once the broker has aborted A's open transaction (transaction.timeout.ms), read_committed,
            // every admitted prompt has exactly one group, complete and from version 0
            Await.until(TIMEOUT, "no open transaction left on " + pipeline.rollouts, () -> pipeline.noOpenTransactions(pipeline.rollouts));
            Map<String, List<ResponseGroup>> committed = readAllGroups(pipeline, "read_committed");
            assertEquals(prompts.stream().map(Prompt::getId).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)),
                new java.util.TreeSet<>(committed.keySet()));
            Set<String> generators = new HashSet<>();
            for (var entry : committed.entrySet()) {
                assertEquals(1, entry.getValue().size(), "groups for " + entry.getKey());
                ResponseGroup group = entry.getValue().get(0);
                assertEquals(G, group.getResponses().size());
                assertEquals(0, group.getPolicyVersion());
                assertEquals("policy", group.getModelName());
                generators.add(group.getGeneratorId());
            }
            // And both workers' committed groups are among them, A's abandoned ones are not
            assertEquals(Set.of("w-a", "w-b"), generators);
            int uncommittedRecords = readAllGroups(pipeline, "read_uncommitted").values().stream().mapToInt(List::size).sum();
            assertTrue(uncommittedRecords >= 40 + a.abandonedGroups(),
                uncommittedRecords + " records in the log, A abandoned " + a.abandonedGroups());

            // And the two bad prompts are in the dead-letter topic, with why and where from
            List<ConsumerRecord<String, byte[]>> dead = readDeadLetters(pipeline, 2);
            assertEquals(Set.of("poison", "too-long"), Set.of(dead.get(0).key(), dead.get(1).key()));
            for (ConsumerRecord<String, byte[]> d : dead) {
                assertEquals(GeneratorConfig.STAGE, DeadLetter.header(d.headers(), DeadLetter.STAGE));
                assertEquals(pipeline.prompts, DeadLetter.header(d.headers(), DeadLetter.SOURCE_TOPIC));
            }
            ConsumerRecord<String, byte[]> tooLong = dead.stream().filter(d -> d.key().equals("too-long")).findFirst().orElseThrow();
            assertTrue(DeadLetter.header(tooLong.headers(), DeadLetter.ERROR_MESSAGE).contains("context"));

            // And the survivor's counters are on JMX
            ObjectName mbean = new ObjectName("vapo:type=generator,worker=w-b");
            Object groupsTotal = ManagementFactory.getPlatformMBeanServer().getAttribute(mbean, "groups-total");
            assertTrue(((Number) groupsTotal).doubleValue() > 0);
        } finally {
            b.close();
            a.close();
            ta.join(TIMEOUT.toMillis());
            tb.join(TIMEOUT.toMillis());
        }
        assertTrue(b.failure().isEmpty(), () -> "worker B failed: " + b.failure());
    }

    @Test
    void aNewVersionIsUsedFromTheNextGroupOnAndACorruptedVersionIsRefusedKeepingTheOldOne(ClusterEndpoints cluster)
        throws Exception {
        // Given one worker sampling one group per transaction with policy version 0
        Pipeline pipeline = Pipeline.create(cluster);
        byte[] v0 = TestPolicies.weights(10);
        byte[] v2 = TestPolicies.weights(20);
        pipeline.publishWeights(TestPolicies.chunks("policy", 0, v0));
        GeneratorWorker worker = new GeneratorWorker(pipeline.worker("w-versions", 1));
        Thread thread = new Thread(worker, "generator-w-versions");
        thread.start();
        try (KafkaConsumer<String, ResponseGroup> out = pipeline.reader(pipeline.rollouts,
            Topics.ROLLOUTS.valueSerde(pipeline.serdes).deserializer(), "read_committed")) {
            List<ResponseGroup> seen = new ArrayList<>();
            pipeline.publishPrompts(prompts("first", 3));
            List<ResponseGroup> first = await(out, seen, "first", 3);

            // When version 1 arrives corrupted
            pipeline.publishWeights(TestPolicies.corruptedChunks("policy", 1, TestPolicies.weights(15)));
            Await.until(TIMEOUT, "version 1 refused", () -> worker.metrics().value("versions-refused-total") == 1.0);

            // Then it is refused and reported, the lag shows it, and the next groups still use version 0
            assertEquals(1.0, worker.metrics().value("newest-version"));
            assertEquals(1.0, worker.metrics().value("version-lag"));
            pipeline.publishPrompts(prompts("second", 3));
            List<ResponseGroup> second = await(out, seen, "second", 3);

            // When a good version 2 arrives
            pipeline.publishWeights(TestPolicies.chunks("policy", 2, v2));
            Await.until(TIMEOUT, "version 2 loaded", () -> worker.metrics().value("policy-version") == 2.0);
            pipeline.publishPrompts(prompts("third", 3));
            List<ResponseGroup> third = await(out, seen, "third", 3);

            // Then groups sampled after the switch carry version 2 and were sampled by exactly those weights
            assertEquals(0.0, worker.metrics().value("version-lag"));
            assertVersion(first, 0, v0);
            assertVersion(second, 0, v0);
            assertVersion(third, 2, v2);
        } finally {
            worker.close();
            thread.join(TIMEOUT.toMillis());
        }
        assertTrue(worker.failure().isEmpty(), () -> "worker failed: " + worker.failure());
    }

    private static List<Prompt> prompts(String prefix, int count) {
        List<Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            prompts.add(TestPolicies.prompt(prefix + "-" + i, (i + 2) + "+" + (i + 1) + "="));
        }
        return prompts;
    }

    /** Each group has version {@code version}, and its behaviour log-probs are those weights' teacher-forced ones. */
    private static void assertVersion(List<ResponseGroup> groups, long version, byte[] weights) {
        try (PolicyModel policy = PolicyModel.fromWeights(weights); NDManager manager = NDManager.newBaseManager()) {
            for (ResponseGroup group : groups) {
                assertEquals(version, group.getPolicyVersion(), group.getPromptId());
                int[] prompt = group.getPromptTokens().stream().mapToInt(Integer::intValue).toArray();
                for (SampledResponse response : group.getResponses()) {
                    int[] tokens = response.getTokens().stream().mapToInt(Integer::intValue).toArray();
                    float[] scored = policy.score(manager, List.of(prompt), List.of(tokens)).logProbs().toFloatArray();
                    for (int j = 0; j < tokens.length; j++) {
                        assertEquals(scored[j], response.getBehaviourLogProbs().get(j), 1e-4f,
                            group.getPromptId() + " token " + j + " under v" + version);
                    }
                }
            }
        }
    }

    private static List<ResponseGroup> await(KafkaConsumer<String, ResponseGroup> out, List<ResponseGroup> seen,
                                             String prefix, int count) {
        Await.until(TIMEOUT, count + " groups for " + prefix, () -> {
            out.poll(Duration.ofMillis(100)).forEach(r -> seen.add(r.value()));
            return seen.stream().filter(g -> g.getPromptId().startsWith(prefix + "-")).count() >= count;
        }, () -> "seen " + seen.size());
        return seen.stream().filter(g -> g.getPromptId().startsWith(prefix + "-")).toList();
    }

    /** Every group on the rollouts topic up to its end, by prompt id. */
    private static Map<String, List<ResponseGroup>> readAllGroups(Pipeline pipeline, String isolation) {
        Map<String, List<ResponseGroup>> byPrompt = new TreeMap<>();
        try (KafkaConsumer<String, ResponseGroup> consumer = pipeline.reader(pipeline.rollouts,
            Topics.ROLLOUTS.valueSerde(pipeline.serdes).deserializer(), isolation)) {
            Await.until(TIMEOUT, "reading " + pipeline.rollouts + " to its end (" + isolation + ")", () -> {
                for (ConsumerRecord<String, ResponseGroup> r : consumer.poll(Duration.ofMillis(100))) {
                    byPrompt.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                }
                return atEnd(consumer);
            });
        }
        return byPrompt;
    }

    private static boolean atEnd(KafkaConsumer<String, ?> consumer) {
        if (consumer.assignment().isEmpty()) {
            return false;
        }
        // With read_committed the end offsets are the last stable offsets.
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static List<ConsumerRecord<String, byte[]>> readDeadLetters(Pipeline pipeline, int count) {
        List<ConsumerRecord<String, byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = pipeline.reader(pipeline.prompts + ".dlq", new ByteArrayDeserializer(),
            "read_committed")) {
            Await.until(TIMEOUT, count + " dead letters", () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(dead::add);
                return dead.size() >= count && atEnd(consumer);
            });
        }
        assertEquals(count, dead.size());
        return dead;
    }
}
