package dev.vapostream.learner;

import dev.vapostream.schemas.TopicDescriptor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.io.BoundedTopicReader;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedCluster.class)
class LearnerIT {

    @Test
    void trainsPublishesVersionsAndResumesWithoutRetrainingOrSkippingAGroup(ClusterEndpoints cluster, @TempDir Path dir)
        throws Exception {
        // Given topics, a dataset, a base policy and a stand-in upstream answering admitted prompts
        String id = UUID.randomUUID().toString().substring(0, 8);
        Properties p = settings(cluster, dir, id);
        byte[] base = topicsBasePolicyAndData(cluster, dir, p);

        try (StandInUpstream upstream = new StandInUpstream(cluster, p.getProperty("prompts.topic"),
            p.getProperty("advantages.topic"), base, 4)) {
            // When the learner runs 2 value-pretraining steps and 1 policy update, stops, and a new learner
            // resumes to 3 policy updates (max.steps counts policy updates; value pretraining comes on top)
            p.setProperty("max.steps", "1");
            try (Learner first = Learner.open(LearnerConfig.fromProperties(p))) {
                first.run(() -> false);
                assertEquals(3, first.step());
                assertEquals(1, first.policyVersion(), "one policy update after two value-pretraining steps");
            }
            p.setProperty("max.steps", "3");
            try (Learner second = Learner.open(LearnerConfig.fromProperties(p))) {
                assertEquals(3, second.step(), "resumed from the checkpoint");
                second.run(() -> false);
                assertEquals(5, second.step());
                assertEquals(3, second.policyVersion());
            }

            // Then five metric lines: two value-pretraining steps, then policy steps
            List<String> lines = Files.readAllLines(dir.resolve("run").resolve("metrics.jsonl"));
            assertEquals(5, lines.size());
            assertTrue(lines.get(1).contains("\"phase\":\"VALUE_PRETRAIN\""), lines.get(1));
            assertTrue(lines.get(2).contains("\"phase\":\"POLICY\""), lines.get(2));

            // And the consumed prefix of the advantage log holds exactly the 10 trained groups, each once
            Checkpoints.State last = Checkpoints.latest(dir.resolve("run")).orElseThrow().state();
            List<String> consumed = consumedPrefix(cluster, p.getProperty("advantages.topic"), last.offsets());
            assertEquals(5 * 2, consumed.size(), "steps × prompts per step");
            assertEquals(consumed.size(), new HashSet<>(consumed).size(), "no group trained twice");
            assertEquals(10, last.consumed());

            // And admission never ran ahead of consumption by more than max.prompts.in.flight
            assertTrue(last.admitted() - last.consumed() <= 4, "admitted " + last.admitted() + ", consumed " + last.consumed());
            assertTrue(upstream.answered().size() >= 10);

            // And the weights topic carries policy v0..v3 and critic v0..v5
            Map<String, Set<Long>> versions = new HashMap<>();
            BoundedTopicReader.read(cluster.bootstrapServers(), Map.of(), p.getProperty("weights.topic"),
                BoundedTopicReader.Start.beginning(), null,
                Topics.WEIGHTS.valueSerde(SerdeSettings.apicurio(cluster.registryBaseUrl())).deserializer(),
                r -> versions.computeIfAbsent(r.value().getModelName(), k -> new HashSet<>()).add(r.value().getVersion()),
                raw -> { });
            assertEquals(Set.of(0L, 1L, 2L, 3L), versions.get("policy"));
            assertEquals(Set.of(0L, 1L, 2L, 3L, 4L, 5L), versions.get("critic"));
            assertTrue(Files.exists(dir.resolve("run").resolve("learner.properties")));
        }
    }

    @Test
    void aPromptDeadLetteredUpstreamFreesItsAdmissionSlot(ClusterEndpoints cluster, @TempDir Path dir) throws Exception {
        // Given an in-flight bound of exactly one batch (2 prompts), so a single lost group would stall admission,
        // and a stand-in stage that dead-letters every third prompt to the scored topic's dead-letter topic
        String id = UUID.randomUUID().toString().substring(0, 8);
        Properties p = settings(cluster, dir, id);
        String scored = "learner-it.scored-" + id;
        p.setProperty("max.prompts.in.flight", "2");
        p.setProperty("dead.letter.topics", TopicDescriptor.deadLetterTopicOf(scored));
        p.setProperty("max.steps", "2");
        byte[] base = topicsBasePolicyAndData(cluster, dir, p, Topics.SCORED.withName(scored));

        try (StandInUpstream upstream = new StandInUpstream(cluster, p.getProperty("prompts.topic"),
            p.getProperty("advantages.topic"), base, 4, scored, 3);
             Learner learner = Learner.open(LearnerConfig.fromProperties(p))) {
            // When the learner runs its 4 steps (2 value pretraining, 2 policy), given 3 minutes
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            learner.run(() -> System.nanoTime() > deadline);

            // Then it finished them instead of waiting forever for the dead-lettered groups
            assertEquals(4, learner.step(), "stalled; dead-lettered: " + upstream.deadLettered());
            assertFalse(upstream.deadLettered().isEmpty());
            // And every admitted prompt is trained, dead-lettered or still in flight (at most one batch)
            Checkpoints.State last = Checkpoints.latest(dir.resolve("run")).orElseThrow().state();
            assertEquals(8, last.consumed());
            long settled = last.consumed() + upstream.deadLettered().size();
            assertTrue(last.admitted() >= settled && last.admitted() - settled <= 2,
                "admitted " + last.admitted() + ", consumed " + last.consumed() + ", dead-lettered " + upstream.deadLettered().size());
        }
    }

    @Test
    void groupsValuedByTooOldACriticAreRefusedAndCounted(ClusterEndpoints cluster, @TempDir Path dir) throws Exception {
        // Given an upstream whose every group claims values from critic v0, and a learner that accepts a lag of 1
        String id = UUID.randomUUID().toString().substring(0, 8);
        Properties p = settings(cluster, dir, id);
        p.setProperty("max.critic.lag", "1");
        p.setProperty("max.steps", "5");
        byte[] base = topicsBasePolicyAndData(cluster, dir, p);
        try (StandInUpstream upstream = new StandInUpstream(cluster, p.getProperty("prompts.topic"),
            p.getProperty("advantages.topic"), base, 4, null, 0, 0L);
             Learner learner = Learner.open(LearnerConfig.fromProperties(p))) {
            // When it runs until it has refused a dozen groups (or 2 minutes pass)
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            learner.run(() -> learner.criticStaleGroups() >= 12 || System.nanoTime() > deadline);

            // Then it trained while its critic was at most one version past v0 (steps 1 and 2), and from then on
            // refused every group instead of training on stale values
            assertEquals(2, learner.step());
            assertTrue(learner.criticStaleGroups() >= 12, "refused " + learner.criticStaleGroups());
            assertTrue(upstream.answered().size() >= 16);
        }
    }

    /** Creates the learner's topics (plus {@code more}), writes a small base policy and a dataset; returns the policy. */
    @Test
    void aRunThatFailsToOpenClosesEveryClientItOpened(ClusterEndpoints cluster, @TempDir Path dir) throws Exception {
        // Given a run whose schema registry is not there: every client opens, then publishing the first weights fails
        String id = UUID.randomUUID().toString().substring(0, 8);
        Properties p = settings(cluster, dir, id);
        topicsBasePolicyAndData(cluster, dir, p);
        p.setProperty("registry.url", "http://127.0.0.1:9");
        p.setProperty("topics.create", "false");
        Set<String> before = kafkaClientThreads();
        // When the learner is opened
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
            () -> Learner.open(LearnerConfig.fromProperties(p)).close());
        // Then it fails, and no Kafka client thread it started is left behind
        Set<String> leaked = kafkaClientThreads();
        leaked.removeAll(before);
        assertEquals(Set.of(), leaked, "threads left by a failed open (" + e + ")");
    }

    /** Names of the live threads that Kafka producers (network threads) and consumers (heartbeats) own. */
    private static Set<String> kafkaClientThreads() {
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && (t.getName().startsWith("kafka-producer-network-thread")
                || t.getName().startsWith("kafka-coordinator-heartbeat-thread")
                || t.getName().startsWith("consumer_background_thread"))) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private static byte[] topicsBasePolicyAndData(ClusterEndpoints cluster, Path dir, Properties p, TopicDescriptor<?>... more)
        throws Exception {
        List<TopicDescriptor<?>> topics = new ArrayList<>(List.of(Topics.PROMPTS.withName(p.getProperty("prompts.topic")),
            Topics.ADVANTAGES.withName(p.getProperty("advantages.topic")),
            Topics.WEIGHTS.withName(p.getProperty("weights.topic")),
            Topics.METRICS.withName(p.getProperty("metrics.topic"))));
        topics.addAll(List.of(more));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, topics, (short) 1);
        }
        byte[] base;
        try (PolicyModel policy = PolicyModel.initialise(BuiltInTask.DEFAULT.modelConfig(1, 32, 2), 5)) {
            base = policy.encodeWeights();
        }
        Files.write(dir.resolve("base.weights"), base);
        JsonlDataset.writeBuiltInSplits(dir.resolve("data"), BuiltInTask.DEFAULT, 3, 200, 40);
        return base;
    }

    private static List<String> consumedPrefix(ClusterEndpoints cluster, String topic, Map<Integer, Long> offsets) {
        List<String> ids = new ArrayList<>();
        BoundedTopicReader.read(cluster.bootstrapServers(), Map.of(), topic, BoundedTopicReader.Start.beginning(), null,
            Topics.ADVANTAGES.valueSerde(SerdeSettings.apicurio(cluster.registryBaseUrl())).deserializer(),
            r -> {
                if (r.offset() < offsets.get(r.partition())) {
                    ids.add(r.value().getPromptId());
                }
            }, raw -> { });
        return ids;
    }

    private static Properties settings(ClusterEndpoints cluster, Path dir, String id) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster.bootstrapServers());
        p.setProperty("registry.url", cluster.registryBaseUrl());
        p.setProperty("run.dir", dir.resolve("run").toString());
        p.setProperty("run.id", "it-" + id);
        p.setProperty("base.policy", dir.resolve("base.weights").toString());
        p.setProperty("train.data", dir.resolve("data").resolve(JsonlDataset.TRAIN_FILE).toString());
        p.setProperty("prompts.per.step", "2");
        p.setProperty("group.size", "4");
        p.setProperty("max.prompts.in.flight", "4");
        p.setProperty("value.pretrain.steps", "2");
        p.setProperty("eval.every", "0");
        p.setProperty("prompts.topic", "learner-it.prompts-" + id);
        p.setProperty("advantages.topic", "learner-it.advantages-" + id);
        p.setProperty("weights.topic", "learner-it.weights-" + id);
        p.setProperty("metrics.topic", "learner-it.metrics-" + id);
        return p;
    }
}
