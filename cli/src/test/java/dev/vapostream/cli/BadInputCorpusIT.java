package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.vapostream.advantage.replay.ReplayOptions;
import dev.vapostream.advantage.replay.Replayer;
import dev.vapostream.advantage.stream.AdvantageApp;
import dev.vapostream.advantage.stream.AdvantageConfig;
import dev.vapostream.generator.GeneratorApp;
import dev.vapostream.generator.GeneratorConfig;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.Await;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.learner.Learner;
import dev.vapostream.learner.LearnerConfig;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.dlq.DeadLetter;
import dev.vapostream.schemas.io.BoundedTopicReader;
import dev.vapostream.schemas.stage.Stage;
import dev.vapostream.scorer.ScorerApp;
import dev.vapostream.scorer.ScorerConfig;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus against a running pipeline: every wire-level kind on each stage's record
 * input (prompts → generator, rollouts → scorer, scored → advantage stage, advantages → learner),
 * and well-formed records with one defect each. Every bad record must land in the dead-letter topic
 * of the stage that can tell, with a reason naming what is wrong; no stage may stop; the learner
 * trains on; and every prompt the learner admitted is still answered exactly once.
 */
@ExtendWith(SharedCluster.class)
class BadInputCorpusIT {
    private static final int STEPS = 8;
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    @Test
    void everyKindOfBadRecordIsDeadLetteredWithAReasonAndThePipelineOutputStaysCorrect(ClusterEndpoints cluster,
                                                                                      @TempDir Path dir) throws Exception {
        // Given the four stages running on a pipeline of their own, past the learner's second step
        String id = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> topics = PipelineIT.topicsOf(id);
        PipelineIT.prepare(cluster, dir, topics, Map.of());
        Properties learnerSettings = PipelineIT.learnerSettings(cluster, dir, id, topics);
        // More steps than the test needs: it stops the learner once the corpus is through.
        learnerSettings.setProperty("max.steps", "500");
        String runId = learnerSettings.getProperty("run.id");
        Path metrics = dir.resolve("run").resolve("metrics.jsonl");
        SerdeSettings serdes = SerdeSettings.apicurio(cluster.registryBaseUrl());
        List<BadInputCorpus.Bad> corpus;
        List<String> weightFailures;
        AtomicBoolean stopTraining = new AtomicBoolean();
        try (Learner learner = Learner.open(LearnerConfig.fromProperties(learnerSettings));
             Stage generator = GeneratorApp.open(GeneratorConfig.fromProperties(PipelineIT.generatorSettings(cluster, id, topics)));
             Stage scorer = ScorerApp.open(ScorerConfig.fromProperties(PipelineIT.scorerSettings(cluster, dir, id, topics)));
             Stage advantages = AdvantageApp.open(AdvantageConfig.fromProperties(
                 PipelineIT.advantageSettings(cluster, dir, id, topics)))) {
            List<Stage> stages = List.of(generator, scorer, advantages);
            stages.forEach(Stage::start);
            CompletableFuture<Void> training = CompletableFuture.runAsync(() -> learner.run(stopTraining::get));
            Await.until(DEADLINE, "the learner's step 2", () -> FaultInjectionIT.maxStep(metrics) >= 2);

            // When the corpus is written to the stages' input topics
            corpus = corpus(cluster, serdes, topics, runId);
            send(cluster, corpus);
            int stepAtInjection = FaultInjectionIT.maxStep(metrics);

            // Then every bad record reaches a dead-letter topic while the learner keeps training
            Await.until(DEADLINE, "every bad record in a dead-letter topic",
                () -> missing(cluster, corpus).isEmpty() || training.isDone(),
                () -> "not dead-lettered: " + missing(cluster, corpus));
            Await.until(DEADLINE, "two more learner steps", () -> FaultInjectionIT.maxStep(metrics) >= stepAtInjection + 2
                || training.isDone());
            stopTraining.set(true);
            training.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            // And no stage stopped, and every prompt the learner admitted drains through to the advantages topic
            for (Stage stage : stages) {
                assertEquals(Optional.empty(), stage.failure(), stage.name() + " failed");
            }
            Await.until(DEADLINE, "every admitted prompt answered or dead-lettered",
                () -> unanswered(cluster, topics, runId).isEmpty(), () -> "unanswered: " + unanswered(cluster, topics, runId));

            // When, with the learner stopped (it publishes no more), bad weight records arrive for the policy and the critic
            ScoredGroup probe = first(cluster, topics.get("scored"), Topics.SCORED, serdes);
            weightFailures = new WeightsCorpus(cluster, serdes, topics, Files.readAllBytes(dir.resolve("base.weights")),
                probe).run();
            for (Stage stage : stages) {
                assertEquals(Optional.empty(), stage.failure(), stage.name() + " failed on the weights corpus");
            }
        }

        // And each bad record is in its dead-letter topic, with a reason saying what is wrong
        List<String> failures = new ArrayList<>();
        Map<String, Map<String, String>> reasons = new HashMap<>();
        for (BadInputCorpus.Bad bad : corpus) {
            String reason = reasons.computeIfAbsent(bad.deadLetterTopic(), t -> deadLetterReasons(cluster, t)).get(bad.key());
            if (reason == null || !reason.contains(bad.reason())) {
                failures.add(bad + ": expected a reason containing '" + bad.reason() + "', got: " + reason);
            }
        }
        System.out.printf("BadInputCorpusIT: %d kinds of bad record tried on 4 input topics, %d dead-lettered with the"
            + " expected reason; %d kinds of bad weight record, %d refused or counted as they should be%n", corpus.size(),
            corpus.size() - failures.size(), WeightsCorpus.KINDS, WeightsCorpus.KINDS - weightFailures.size());
        assertEquals(List.of(), failures);
        assertEquals(List.of(), weightFailures);

        // And a replay of the scored topic reads past every bad record there, and lists each it skipped
        String scoredDlq = topics.get("scored") + ".dlq";
        long onScored = corpus.stream().filter(b -> b.deadLetterTopic().equals(scoredDlq)).count();
        Replayer.Report replay = Replayer.run(new ReplayOptions(cluster.bootstrapServers(), serdes, Map.of(), false,
            topics.get("scored"), null, BoundedTopicReader.Start.beginning(), null,
            AdvantageConfig.estimatorFrom(new Properties()), null, null, dir.resolve("replayed.avro"), null,
            topics.get("weights"), "critic"));
        assertEquals(onScored, replay.invalid(), "skipped: " + replay.problems());
        assertEquals(onScored, replay.problems().size());
        assertTrue(replay.groups() > 0);

        // And the fast replay of the advantages topic reads past its bad records, skipping and listing the
        // undecodable ones and those whose stored values, advantages, log-probs or tokens it would copy or use
        String advantagesTopic = topics.get("advantages");
        Set<String> replayReads = Set.of("infinite value", "empty response, in wire format 1", "advantages shorter than tokens",
            "packed returns not a whole number of values", "both wire formats filled in");
        long fastSkips = corpus.stream().filter(b -> b.topic().equals(advantagesTopic) && (BadInputCorpus.WIRE_KINDS.contains(b.kind())
            || replayReads.contains(b.kind()))).count();
        Replayer.Report fast = Replayer.run(new ReplayOptions(cluster.bootstrapServers(), serdes, Map.of(), true,
            advantagesTopic, null, BoundedTopicReader.Start.beginning(), null,
            AdvantageConfig.estimatorFrom(new Properties()), null, null, dir.resolve("fast.avro"), null, null, null));
        assertEquals(fastSkips, fast.invalid(), "skipped: " + fast.problems());
        assertEquals(fastSkips, fast.problems().size());

        // And vapo export of each input topic lists every record it cannot decode, and what it wrote imports again
        for (String topic : List.of("prompts", "rollouts", "scored", "advantages")) {
            Path file = dir.resolve(topic + ".avro");
            String listed = exported(cluster, topic, topics.get(topic), file);
            assertEquals(BadInputCorpus.WIRE_KINDS.size(), listed.lines().filter(l -> l.startsWith("skipped ")).count(),
                topic + ":\n" + listed);
            assertEquals(0, Vapo.run(List.of("import", "--bootstrap-servers", cluster.bootstrapServers(), "--registry-url",
                cluster.registryBaseUrl(), "--type", topic, "--topic", topics.get(topic) + ".reimported", "--file", file.toString())));
        }

        // And no prompt the learner admitted has a group twice in rollouts, scored or advantages
        for (String topic : List.of("rollouts", "scored", "advantages")) {
            Map<String, Integer> counts = FaultInjectionIT.keyCounts(cluster, topics.get(topic));
            assertTrue(counts.entrySet().stream().filter(e -> e.getKey().startsWith(runId + "/")).allMatch(e -> e.getValue() == 1),
                topic + ": a group more than once " + counts);
        }
    }

    /** Runs {@code vapo export} of {@code topic} into {@code file}; what it wrote on stderr. */
    private static String exported(ClusterEndpoints cluster, String type, String topic, Path file) throws Exception {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        try {
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            assertEquals(0, Vapo.run(List.of("export", "--bootstrap-servers", cluster.bootstrapServers(), "--registry-url",
                cluster.registryBaseUrl(), "--type", type, "--topic", topic, "--file", file.toString())));
        } finally {
            System.setErr(original);
        }
        return stderr.toString(StandardCharsets.UTF_8);
    }

    /** This run's admitted prompts neither in the advantages topic nor in a dead-letter topic. */
    private static List<String> unanswered(ClusterEndpoints cluster, Map<String, String> t, String runId) {
        Set<String> done = new TreeSet<>(FaultInjectionIT.keyCounts(cluster, t.get("advantages")).keySet());
        for (String topic : List.of("prompts", "rollouts", "scored", "advantages")) {
            done.addAll(deadLetterReasons(cluster, t.get(topic) + ".dlq").keySet());
        }
        return FaultInjectionIT.keyCounts(cluster, t.get("prompts")).keySet().stream()
            .filter(key -> key.startsWith(runId + "/") && !done.contains(key)).toList();
    }

    /** The corpus, its semantic kinds copied from the first committed record of each topic. */
    private static List<BadInputCorpus.Bad> corpus(ClusterEndpoints cluster, SerdeSettings serdes, Map<String, String> t,
                                                   String runId) {
        Prompt prompt = first(cluster, t.get("prompts"), Topics.PROMPTS, serdes);
        ResponseGroup rollout = first(cluster, t.get("rollouts"), Topics.ROLLOUTS, serdes);
        ScoredGroup scored = first(cluster, t.get("scored"), Topics.SCORED, serdes);
        AdvantageGroup advantage = first(cluster, t.get("advantages"), Topics.ADVANTAGES, serdes);
        byte[] framedPrompt = Topics.PROMPTS.valueSerde(serdes).serializer().serialize(t.get("prompts"), prompt);
        byte[] framedRollout = Topics.ROLLOUTS.valueSerde(serdes).serializer().serialize(t.get("rollouts"), rollout);
        byte[] framedScored = Topics.SCORED.valueSerde(serdes).serializer().serialize(t.get("scored"), scored);
        byte[] framedAdvantage = Topics.ADVANTAGES.valueSerde(serdes).serializer().serialize(t.get("advantages"), advantage);

        BadInputCorpus c = new BadInputCorpus();
        c.wireKinds(t.get("prompts"), "bad/prompts", Prompt.class.getName(), framedPrompt, framedRollout,
            ResponseGroup.class.getName(), "prompt record has no value");
        c.wireKinds(t.get("rollouts"), "bad/rollouts", ResponseGroup.class.getName(), framedRollout, framedPrompt,
            Prompt.class.getName(), "has no value (tombstone)");
        c.wireKinds(t.get("scored"), "bad/scored", ScoredGroup.class.getName(), framedScored, framedRollout,
            ResponseGroup.class.getName(), "has no value (tombstone)");
        c.wireKinds(t.get("advantages"), runId + "/910000", AdvantageGroup.class.getName(), framedAdvantage, framedScored,
            ScoredGroup.class.getName(), "value is null (a tombstone)");
        c.promptKinds(t.get("prompts"), prompt, Topics.PROMPTS.valueSerde(serdes).serializer());
        c.rolloutKinds(t.get("rollouts"), t.get("scored"), rollout, Topics.ROLLOUTS.valueSerde(serdes).serializer());
        c.scoredKinds(t.get("scored"), scored, Topics.SCORED.valueSerde(serdes).serializer());
        c.advantageKinds(t.get("advantages"), runId, advantage, Topics.ADVANTAGES.valueSerde(serdes).serializer());
        return c.records();
    }

    private static <V extends SpecificRecord> V first(ClusterEndpoints cluster, String topic, TopicDescriptor<V> type,
                                                      SerdeSettings serdes) {
        List<V> values = new ArrayList<>();
        Deserializer<V> deserializer = type.valueSerde(serdes).deserializer();
        BoundedTopicReader.read(cluster.bootstrapServers(), Map.of(), topic, BoundedTopicReader.Start.beginning(), null,
            deserializer, r -> values.add(r.value()), r -> { });
        assertTrue(!values.isEmpty(), topic + " is empty");
        return values.get(0);
    }

    private static void send(ClusterEndpoints cluster, List<BadInputCorpus.Bad> corpus) throws Exception {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (BadInputCorpus.Bad bad : corpus) {
                producer.send(new ProducerRecord<>(bad.topic(), bad.key().getBytes(StandardCharsets.UTF_8), bad.value())).get();
            }
        }
    }

    /** The corpus's records not (yet) in their dead-letter topic. */
    private static List<BadInputCorpus.Bad> missing(ClusterEndpoints cluster, List<BadInputCorpus.Bad> corpus) {
        Map<String, Map<String, String>> reasons = new HashMap<>();
        return corpus.stream().filter(bad -> !reasons.computeIfAbsent(bad.deadLetterTopic(), t -> deadLetterReasons(cluster, t))
            .containsKey(bad.key())).toList();
    }

    /** Dead-letter reason by key, among committed records of {@code topic}. */
    private static Map<String, String> deadLetterReasons(ClusterEndpoints cluster, String topic) {
        Map<String, String> reasons = new TreeMap<>();
        BoundedTopicReader.read(cluster.bootstrapServers(), Map.of(), topic, BoundedTopicReader.Start.beginning(), null,
            new ByteArrayDeserializer(), (ConsumerRecord<String, byte[]> r) -> reasons.put(r.key(),
                DeadLetter.header(r.headers(), DeadLetter.ERROR_MESSAGE)), r -> { });
        return reasons;
    }
}
