package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import dev.vapostream.advantage.stream.AdvantageConfig;
import dev.vapostream.advantage.stream.AdvantageTopology;
import dev.vapostream.advantage.stream.CriticFollower;
import dev.vapostream.advantage.stream.DjlCritic;
import dev.vapostream.generator.GeneratorConfig;
import dev.vapostream.generator.GeneratorWorker;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.learner.Learner;
import dev.vapostream.learner.LearnerConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.io.BoundedTopicReader;
import dev.vapostream.scorer.ScorerApp;
import dev.vapostream.scorer.ScorerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Every stage on the embedded broker and registry, for a few learner steps. */
@ExtendWith(SharedCluster.class)
class PipelineIT {

    @Test
    void aFewLearnerStepsRunThroughGeneratorScorerAdvantageStageAndLearner(ClusterEndpoints cluster, @TempDir Path dir)
        throws Exception {
        // Given the six topics of one pipeline, a dataset and a small base policy
        String id = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> topics = Map.of("prompts", "pipe.prompts-" + id, "rollouts", "pipe.rollouts-" + id,
            "scored", "pipe.scored-" + id, "advantages", "pipe.advantages-" + id, "weights", "pipe.weights-" + id,
            "metrics", "pipe.metrics-" + id);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(Topics.PROMPTS.withName(topics.get("prompts")),
                Topics.ROLLOUTS.withName(topics.get("rollouts")), Topics.SCORED.withName(topics.get("scored")),
                Topics.ADVANTAGES.withName(topics.get("advantages")), Topics.WEIGHTS.withName(topics.get("weights")),
                Topics.METRICS.withName(topics.get("metrics"))), (short) 1);
        }
        JsonlDataset.writeBuiltInSplits(dir.resolve("data"), BuiltInTask.DEFAULT, 5, 100, 20);
        try (PolicyModel base = PolicyModel.initialise(BuiltInTask.DEFAULT.modelConfig(1, 32, 2), 9)) {
            Files.write(dir.resolve("base.weights"), base.encodeWeights());
        }

        // When the learner (which publishes policy and critic v0), a generator, the scorer and the
        // advantage stage run until the learner has taken 2 policy steps (after 1 of value pretraining)
        try (Learner learner = Learner.open(LearnerConfig.fromProperties(learnerSettings(cluster, dir, id, topics)));
             GeneratorWorker generator = new GeneratorWorker(GeneratorConfig.fromProperties(generatorSettings(cluster, id, topics)));
             CriticFollower critic = new CriticFollower("critic", DjlCritic::fromWeights)) {
            Thread generating = new Thread(generator, "pipeline-generator");
            generating.start();
            KafkaStreams scorer = ScorerApp.start(ScorerConfig.fromProperties(scorerSettings(cluster, dir, id, topics)));
            AdvantageConfig advantageConfig = AdvantageConfig.fromProperties(advantageSettings(cluster, dir, id, topics));
            KafkaStreams advantages = new KafkaStreams(AdvantageTopology.build(advantageConfig, critic),
                advantageConfig.streamsProperties());
            advantages.start();
            try {
                learner.run(() -> false);
            } finally {
                advantages.close(Duration.ofSeconds(30));
                scorer.close(Duration.ofSeconds(30));
                generator.close();
                generating.join(30_000);
            }

            // Then the learner trained 3 steps and published 2 policy versions
            assertEquals(3, learner.step());
            assertEquals(2, learner.policyVersion());
        }
        List<String> metrics = Files.readAllLines(dir.resolve("run").resolve("metrics.jsonl"));
        assertEquals(3, metrics.size());
        assertTrue(metrics.get(0).contains("VALUE_PRETRAIN") && metrics.get(2).contains("\"phase\":\"POLICY\""));

        // And every trained group went through the scorer and the advantage stage
        Set<String> scoredIds = new HashSet<>();
        BoundedTopicReader.read(cluster.bootstrapServers(), Map.of(), topics.get("scored"), BoundedTopicReader.Start.beginning(),
            null, Topics.SCORED.valueSerde(SerdeSettings.apicurio(cluster.registryBaseUrl())).deserializer(),
            r -> scoredIds.add(r.value().getRollout().getPromptId()), raw -> { });
        Set<Long> criticVersions = new HashSet<>();
        Set<String> advantageIds = new HashSet<>();
        BoundedTopicReader.read(cluster.bootstrapServers(), Map.of(), topics.get("advantages"),
            BoundedTopicReader.Start.beginning(), null,
            Topics.ADVANTAGES.valueSerde(SerdeSettings.apicurio(cluster.registryBaseUrl())).deserializer(),
            r -> {
                advantageIds.add(r.value().getPromptId());
                criticVersions.add(r.value().getCriticVersion());
            }, raw -> { });
        assertTrue(advantageIds.size() >= 6, "advantage groups: " + advantageIds.size());
        assertTrue(scoredIds.containsAll(advantageIds));
        assertTrue(criticVersions.stream().allMatch(v -> v != null && v >= 0), criticVersions.toString());
    }

    private static Properties common(ClusterEndpoints cluster) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster.bootstrapServers());
        p.setProperty("registry.url", cluster.registryBaseUrl());
        return p;
    }

    private static Properties learnerSettings(ClusterEndpoints cluster, Path dir, String id, Map<String, String> t) {
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
        p.setProperty("prompts.topic", t.get("prompts"));
        p.setProperty("advantages.topic", t.get("advantages"));
        p.setProperty("weights.topic", t.get("weights"));
        p.setProperty("metrics.topic", t.get("metrics"));
        return p;
    }

    private static Properties generatorSettings(ClusterEndpoints cluster, String id, Map<String, String> t) {
        Properties p = common(cluster);
        p.setProperty("group.id", "pipe-gen-" + id);
        p.setProperty("prompts.topic", t.get("prompts"));
        p.setProperty("rollouts.topic", t.get("rollouts"));
        p.setProperty("weights.topic", t.get("weights"));
        p.setProperty("group.size", "4");
        p.setProperty("max.new.tokens", "24");
        p.setProperty("seed", "3");
        p.setProperty("topics.create", "false");
        return p;
    }

    private static Properties scorerSettings(ClusterEndpoints cluster, Path dir, String id, Map<String, String> t) {
        Properties p = common(cluster);
        p.setProperty("application.id", "pipe-scorer-" + id);
        p.setProperty("input.topic", t.get("rollouts"));
        p.setProperty("output.topic", t.get("scored"));
        p.setProperty("topics.create", "false");
        p.setProperty("kafka.state.dir", dir.resolve("scorer-state").toString());
        return p;
    }

    private static Properties advantageSettings(ClusterEndpoints cluster, Path dir, String id, Map<String, String> t) {
        Properties p = common(cluster);
        p.setProperty("application.id", "pipe-advantage-" + id);
        p.setProperty("input.topic", t.get("scored"));
        p.setProperty("output.topic", t.get("advantages"));
        p.setProperty("weights.topic", t.get("weights"));
        p.setProperty("state.dir", dir.resolve("advantage-state").toString());
        return p;
    }
}
