package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vapostream.advantage.stream.AdvantageApp;
import dev.vapostream.advantage.stream.AdvantageConfig;
import dev.vapostream.generator.GeneratorApp;
import dev.vapostream.generator.GeneratorConfig;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.learner.Learner;
import dev.vapostream.learner.LearnerConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.io.BoundedTopicReader;
import dev.vapostream.schemas.metrics.MetricsEndpoint;
import dev.vapostream.schemas.metrics.StageMeters;
import dev.vapostream.schemas.stage.Stage;
import dev.vapostream.scorer.ScorerApp;
import dev.vapostream.scorer.ScorerConfig;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every stage on the embedded broker and registry, for a few learner steps; then what the run left
 * on its topics, read by the Java stages' serde and by an outside client.
 */
@ExtendWith(SharedCluster.class)
class PipelineIT {
    private static final List<String> AVRO_TOPICS = List.of("prompts", "rollouts", "scored", "advantages", "weights", "metrics");
    private static final Map<String, TopicDescriptor<?>> DESCRIPTORS = Map.of("prompts", Topics.PROMPTS,
        "rollouts", Topics.ROLLOUTS, "scored", Topics.SCORED, "advantages", Topics.ADVANTAGES, "weights", Topics.WEIGHTS,
        "metrics", Topics.METRICS);
    /** Per topic, the fields that identify a record, compared between the Java and the Python reading. */
    private static final Map<String, List<String>> IDENTITY = Map.of("prompts", List.of("id"),
        "rollouts", List.of("promptId"), "scored", List.of("rollout.promptId"),
        "advantages", List.of("promptId", "criticVersion"), "weights", List.of("role", "version", "chunkIndex", "sha256"),
        "metrics", List.of("step", "phase"));

    private static ClusterEndpoints cluster;
    private static Map<String, String> topics;
    private static long learnerSteps;
    private static long policyVersions;
    private static List<String> metrics;
    private static String runId;
    private static String scraped;

    @BeforeAll
    static void runAShortPipeline(ClusterEndpoints endpoints, @TempDir Path dir) throws Exception {
        // Given the six topics of one pipeline, a dataset and a small base policy
        cluster = endpoints;
        String id = UUID.randomUUID().toString().substring(0, 8);
        runId = id;
        topics = topicsOf(id);
        // When the learner (which publishes policy and critic v0), a generator, the scorer and the
        // advantage stage run until the learner has taken 2 policy steps (after 1 of value pretraining)
        Ran ran = runAShortPipeline(cluster, dir, id, topics, Map.of());
        learnerSteps = ran.learnerSteps();
        policyVersions = ran.policyVersions();
        scraped = ran.scraped();
        metrics = Files.readAllLines(dir.resolve("run").resolve("metrics.jsonl"));
    }

    /** The six topics of pipeline {@code id}. */
    static Map<String, String> topicsOf(String id) {
        return Map.of("prompts", "pipe.prompts-" + id, "rollouts", "pipe.rollouts-" + id,
            "scored", "pipe.scored-" + id, "advantages", "pipe.advantages-" + id, "weights", "pipe.weights-" + id,
            "metrics", "pipe.metrics-" + id);
    }

    /** What a short pipeline run did. */
    record Ran(long learnerSteps, long policyVersions, String scraped) {
    }

    /** Creates the pipeline's topics, a small dataset and an untrained small base policy under {@code dir}. */
    static void prepare(ClusterEndpoints cluster, Path dir, Map<String, String> t, Map<String, String> clientSettings)
        throws Exception {
        TopicAdmin.ensure(cluster.bootstrapServers(), clientSettings, List.of(Topics.PROMPTS.withName(t.get("prompts")),
            Topics.ROLLOUTS.withName(t.get("rollouts")), Topics.SCORED.withName(t.get("scored")),
            Topics.ADVANTAGES.withName(t.get("advantages")), Topics.WEIGHTS.withName(t.get("weights")),
            Topics.METRICS.withName(t.get("metrics"))), (short) 1);
        JsonlDataset.writeBuiltInSplits(dir.resolve("data"), BuiltInTask.DEFAULT, 5, 100, 20);
        try (PolicyModel base = PolicyModel.initialise(BuiltInTask.DEFAULT.modelConfig(1, 32, 2), 9)) {
            Files.write(dir.resolve("base.weights"), base.encodeWeights());
        }
    }

    /**
     * Creates the topics, a dataset and a small base policy, then runs the learner, a generator, the
     * scorer and the advantage stage until the learner's 3 steps are done. {@code clientSettings} go
     * to every Kafka client of every stage (as {@code kafka.*}), e.g. SASL credentials.
     */
    static Ran runAShortPipeline(ClusterEndpoints cluster, Path dir, String id, Map<String, String> t,
                                 Map<String, String> clientSettings) throws Exception {
        prepare(cluster, dir, t, clientSettings);
        try (Learner learner = Learner.open(LearnerConfig.fromProperties(
                 withClients(learnerSettings(cluster, dir, id, t), clientSettings)));
             Stage generator = GeneratorApp.open(GeneratorConfig.fromProperties(
                 withClients(generatorSettings(cluster, id, t), clientSettings)));
             Stage scorer = ScorerApp.open(ScorerConfig.fromProperties(
                 withClients(scorerSettings(cluster, dir, id, t), clientSettings)));
             Stage advantages = AdvantageApp.open(AdvantageConfig.fromProperties(
                 withClients(advantageSettings(cluster, dir, id, t), clientSettings)))) {
            generator.start();
            scorer.start();
            advantages.start();
            learner.run(() -> false);
            return new Ran(learner.step(), learner.policyVersion(), scrapeWhileTheStagesRun());
        }
    }

    private static Properties withClients(Properties stage, Map<String, String> clientSettings) {
        clientSettings.forEach((key, value) -> stage.setProperty(ClientSettings.PREFIX + key, value));
        return stage;
    }

    /** What Prometheus would read from this JVM's metrics endpoint while the stages run. */
    private static String scrapeWhileTheStagesRun() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.open(0, StageMeters.registry())) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(endpoint.url())).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        }
    }

    @Test
    void everyStagesCountersAreScrapedForPrometheus() {
        // Then the scrape taken while the stages ran has each stage's counters, named as docs/operations.md
        // lists them, and each stage counted the groups it handled
        for (String counter : List.of("vapo_generator_groups_total{worker=\"generator-", "vapo_scorer_groups_scored_total{",
            "vapo_advantage_stream_groups_total")) {
            assertTrue(sampleValue(counter) > 0, counter + " is not above 0 in the scrape:\n" + scraped);
        }
        assertTrue(scraped.contains("vapo_generator_version_lag{"), scraped);
        assertEquals(3.0, sampleValue("vapo_learner_step{run=\"pipe-" + runId + "\"}"));
        assertEquals(2.0, sampleValue("vapo_learner_policy_version{run=\"pipe-" + runId + "\"}"));
    }

    /** The sum of the scraped samples whose line starts with {@code prefix} (several workers or threads add up). */
    private static double sampleValue(String prefix) {
        return scraped.lines().filter(line -> line.startsWith(prefix))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void aFewLearnerStepsRunThroughGeneratorScorerAdvantageStageAndLearner() {
        // Then the learner trained 3 steps and published 2 policy versions
        assertEquals(3, learnerSteps);
        assertEquals(2, policyVersions);
        assertEquals(3, metrics.size());
        assertTrue(metrics.get(0).contains("VALUE_PRETRAIN") && metrics.get(2).contains("\"phase\":\"POLICY\""));

        // And every trained group went through the scorer and the advantage stage
        Set<String> scoredIds = new HashSet<>();
        for (GenericRecord r : readWithJava("scored").values()) {
            scoredIds.add(((GenericRecord) r.get("rollout")).get("promptId").toString());
        }
        Set<String> advantageIds = new HashSet<>();
        Set<Long> criticVersions = new HashSet<>();
        for (GenericRecord r : readWithJava("advantages").values()) {
            advantageIds.add(r.get("promptId").toString());
            criticVersions.add((Long) r.get("criticVersion"));
        }
        assertTrue(advantageIds.size() >= 6, "advantage groups: " + advantageIds.size());
        assertTrue(scoredIds.containsAll(advantageIds));
        assertTrue(criticVersions.stream().allMatch(v -> v != null && v >= 0), criticVersions.toString());
    }

    @Test
    void stagesStartedWithoutAlgorithmSettingsTakeTheLearnersFromTheRunContract() {
        // Given a learner with G = 4 and alpha = 0.5, a generator with its default G (16) and an advantage stage with
        // its default estimator (alpha 0.05), neither told the run's algorithm
        // Then every group holds the run's G responses and carries the learner's contract
        Map<String, GenericRecord> rollouts = readWithJava("rollouts");
        assertFalse(rollouts.isEmpty());
        for (GenericRecord group : rollouts.values()) {
            GenericRecord run = (GenericRecord) group.get("run");
            assertEquals(4, ((List<?>) group.get("responses")).size());
            assertEquals(4, run.get("groupSize"));
            assertEquals("pipe-" + runId, run.get("runId").toString());
            assertEquals(0.5, run.get("alpha"));
        }
        // And every advantage group was computed with the learner's estimator settings
        for (GenericRecord advantages : readWithJava("advantages").values()) {
            GenericRecord settings = (GenericRecord) advantages.get("settings");
            assertEquals("VAPO", settings.get("estimator").toString());
            assertEquals(0.5, settings.get("alpha"));
        }
    }

    @Test
    void aConfluentClientWithoutSchemaReferenceSupportDecodesEveryRecordOfEveryTopic() throws Exception {
        for (String topic : AVRO_TOPICS) {
            // Given what the Java stages' serde reads back from the topic (committed records only)
            Map<String, GenericRecord> java = readWithJava(topic);
            assertFalse(java.isEmpty(), topic + " is empty");

            // When Debian's python3-confluent-kafka reads it with its legacy Avro API
            PythonTopicReader.Result python = PythonTopicReader.read(cluster, topics.get(topic));

            // Then it decodes every record, the same records, with the same contents where they identify one
            assertEquals(List.of(), python.errors(), topic + ": records Python could not decode");
            assertEquals(0, python.exitCode(), topic + ": " + python.stderr());
            Map<String, String> pythonIdentities = new TreeMap<>();
            python.records().forEach(r -> pythonIdentities.put(position(r.get("partition").asInt(), r.get("offset").asLong(),
                r.get("key").asText()), identity(r.get("value"), IDENTITY.get(topic))));
            Map<String, String> javaIdentities = new TreeMap<>();
            java.forEach((position, value) -> javaIdentities.put(position, identity(value, IDENTITY.get(topic))));
            assertEquals(javaIdentities, pythonIdentities, topic);
        }
    }

    /** The topic's committed records by "partition/offset/key", decoded by the stages' own serde. */
    private static Map<String, GenericRecord> readWithJava(String topic) {
        Map<String, GenericRecord> records = new TreeMap<>();
        TopicDescriptor<?> descriptor = DESCRIPTORS.get(topic);
        BoundedTopicReader.read(cluster.bootstrapServers(), Map.of(), topics.get(topic), BoundedTopicReader.Start.beginning(),
            null, descriptor.valueSerde(SerdeSettings.apicurio(cluster.registryBaseUrl())).deserializer(),
            r -> records.put(position(r.partition(), r.offset(), r.key()), (GenericRecord) r.value()),
            raw -> fail(topic + ": the Java serde could not decode offset " + raw.offset()));
        return records;
    }

    private static String position(int partition, long offset, String key) {
        return partition + "/" + offset + "/" + key;
    }

    private static String identity(GenericRecord value, List<String> paths) {
        List<String> parts = new ArrayList<>();
        for (String path : paths) {
            Object at = value;
            for (String field : path.split("\\.")) {
                at = ((GenericRecord) at).get(field);
            }
            parts.add(String.valueOf(at));
        }
        return String.join("|", parts);
    }

    private static String identity(JsonNode value, List<String> paths) {
        List<String> parts = new ArrayList<>();
        for (String path : paths) {
            JsonNode at = value;
            for (String field : path.split("\\.")) {
                at = at.path(field);
            }
            parts.add(at.asText());
        }
        return String.join("|", parts);
    }

    private static Properties common(ClusterEndpoints cluster) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster.bootstrapServers());
        p.setProperty("registry.url", cluster.registryBaseUrl());
        return p;
    }

    static Properties learnerSettings(ClusterEndpoints cluster, Path dir, String id, Map<String, String> t) {
        Properties p = common(cluster);
        p.setProperty("run.dir", dir.resolve("run").toString());
        p.setProperty("run.id", "pipe-" + id);
        p.setProperty("base.policy", dir.resolve("base.weights").toString());
        p.setProperty("train.data", dir.resolve("data").resolve(JsonlDataset.TRAIN_FILE).toString());
        p.setProperty("prompts.per.step", "2");
        p.setProperty("group.size", "4");
        p.setProperty("max.prompts.in.flight", "4");
        p.setProperty("value.pretrain.steps", "1");
        p.setProperty("max.steps", "2");
        p.setProperty("eval.every", "0");
        // The run's algorithm: the other stages are given none of it, and get it from the run contract.
        p.setProperty("alpha", "0.5");
        p.setProperty("prompts.topic", t.get("prompts"));
        p.setProperty("advantages.topic", t.get("advantages"));
        p.setProperty("weights.topic", t.get("weights"));
        p.setProperty("metrics.topic", t.get("metrics"));
        return p;
    }

    static Properties generatorSettings(ClusterEndpoints cluster, String id, Map<String, String> t) {
        Properties p = common(cluster);
        p.setProperty("group.id", "pipe-gen-" + id);
        p.setProperty("prompts.topic", t.get("prompts"));
        p.setProperty("rollouts.topic", t.get("rollouts"));
        p.setProperty("weights.topic", t.get("weights"));
        p.setProperty("max.new.tokens", "24");
        p.setProperty("seed", "3");
        p.setProperty("topics.create", "false");
        return p;
    }

    static Properties scorerSettings(ClusterEndpoints cluster, Path dir, String id, Map<String, String> t) {
        Properties p = common(cluster);
        p.setProperty("application.id", "pipe-scorer-" + id);
        p.setProperty("input.topic", t.get("rollouts"));
        p.setProperty("output.topic", t.get("scored"));
        p.setProperty("topics.create", "false");
        p.setProperty("kafka.state.dir", dir.resolve("scorer-state").toString());
        return p;
    }

    static Properties advantageSettings(ClusterEndpoints cluster, Path dir, String id, Map<String, String> t) {
        Properties p = common(cluster);
        p.setProperty("application.id", "pipe-advantage-" + id);
        p.setProperty("input.topic", t.get("scored"));
        p.setProperty("output.topic", t.get("advantages"));
        p.setProperty("weights.topic", t.get("weights"));
        p.setProperty("state.dir", dir.resolve("advantage-state").toString());
        return p;
    }
}
