package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import dev.vapostream.advantage.stream.AdvantageApp;
import dev.vapostream.advantage.stream.AdvantageConfig;
import dev.vapostream.generator.GeneratorApp;
import dev.vapostream.generator.GeneratorConfig;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.EmbeddedKafkaBroker;
import dev.vapostream.infra.FreePort;
import dev.vapostream.infra.SchemaRegistryServer;
import dev.vapostream.infra.testing.Await;
import dev.vapostream.learner.Learner;
import dev.vapostream.learner.LearnerConfig;
import dev.vapostream.schemas.io.BoundedTopicReader;
import dev.vapostream.schemas.stage.Stage;
import dev.vapostream.scorer.ScorerApp;
import dev.vapostream.scorer.ScorerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away mid-run and comes back on its data, as after a crash and a restart: every
 * stage must carry on without a restart of its own, and the log must still hold every admitted
 * prompt's group exactly once in each topic (read_committed), with every learner step once and no
 * group trained twice.
 */
class BrokerRestartIT {
    private static final int STEPS = 8;
    private static final int CRASH_AT_STEP = 3;
    /** How long the broker stays down: the fault being injected, not a wait for something. */
    private static final Duration OUTAGE = Duration.ofSeconds(15);
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    @Test
    void everyStageRidesOutABrokerRestartAndTheLogHoldsEachGroupExactlyOnce(@TempDir Path dir) throws Exception {
        // Given a broker on fixed ports, a registry, and the four stages training 8 steps
        int brokerPort = FreePort.onLoopback();
        int controllerPort = FreePort.onLoopback();
        Path kafkaDir = dir.resolve("kafka");
        EmbeddedKafkaBroker[] broker = {EmbeddedKafkaBroker.start(kafkaDir, brokerPort, controllerPort, Map.of())};
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(SchemaRegistryServer.locateHome(),
            FreePort.onLoopback(), FreePort.onLoopback(), dir.resolve("registry.log"), null)) {
            ClusterEndpoints cluster = new ClusterEndpoints(broker[0].bootstrapServers(), registry.baseUrl());
            String id = UUID.randomUUID().toString().substring(0, 8);
            Map<String, String> topics = PipelineIT.topicsOf(id);
            PipelineIT.prepare(cluster, dir, topics, Map.of());
            Properties learnerSettings = PipelineIT.learnerSettings(cluster, dir, id, topics);
            learnerSettings.setProperty("max.steps", Integer.toString(STEPS - 1));
            Path metrics = dir.resolve("run").resolve("metrics.jsonl");
            try (Learner learner = Learner.open(LearnerConfig.fromProperties(learnerSettings));
                 Stage generator = GeneratorApp.open(GeneratorConfig.fromProperties(PipelineIT.generatorSettings(cluster, id, topics)));
                 Stage scorer = ScorerApp.open(ScorerConfig.fromProperties(PipelineIT.scorerSettings(cluster, dir, id, topics)));
                 Stage advantages = AdvantageApp.open(AdvantageConfig.fromProperties(
                     PipelineIT.advantageSettings(cluster, dir, id, topics)))) {
                List<Stage> stages = List.of(generator, scorer, advantages);
                stages.forEach(Stage::start);
                CompletableFuture<Void> training = CompletableFuture.runAsync(() -> learner.run(() -> false));

                // When the broker stops after the learner's third step and comes back on its data 15 s later
                Await.until(DEADLINE, "the learner's step " + CRASH_AT_STEP, () -> lines(metrics) >= CRASH_AT_STEP);
                broker[0].close();
                LockSupport.parkNanos(OUTAGE.toNanos());
                broker[0] = EmbeddedKafkaBroker.start(kafkaDir, brokerPort, controllerPort, Map.of());

                // Then the learner finishes its steps, no stage failed, and the pipeline drains
                training.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                for (Stage stage : stages) {
                    assertEquals(Optional.empty(), stage.failure(), stage.name() + " failed");
                }
                Await.until(DEADLINE, "every admitted prompt answered through to the advantages topic",
                    () -> keyCounts(cluster, topics.get("advantages")).keySet().equals(keyCounts(cluster, topics.get("prompts")).keySet()),
                    () -> "prompts " + keyCounts(cluster, topics.get("prompts")).size() + ", advantages "
                        + keyCounts(cluster, topics.get("advantages")).size());
            }
            // And each admitted prompt is in each topic exactly once, and each learner step is recorded once
            Map<String, Integer> admitted = keyCounts(cluster, topics.get("prompts"));
            for (String topic : List.of("rollouts", "scored", "advantages")) {
                Map<String, Integer> counts = keyCounts(cluster, topics.get(topic));
                assertEquals(admitted.keySet(), counts.keySet(), topic + ": a prompt lost or foreign");
                assertTrue(counts.values().stream().allMatch(n -> n == 1), topic + ": a group more than once " + counts);
            }
            assertEquals(IntStream.rangeClosed(1, STEPS).boxed().toList(), steps(metrics));
            // And no group was trained twice: the learner's own record of the groups of each step
            List<String> trained = trainedPromptIds(dir.resolve("run").resolve("trained-groups.jsonl"));
            assertEquals(trained.size(), Set.copyOf(trained).size(), "a group trained twice: " + trained);
            assertTrue(admitted.keySet().containsAll(trained), "a trained group that was never admitted");
            System.out.printf("BrokerRestartIT: broker down %d s after step %d; %d prompts, each exactly once in rollouts,"
                + " scored and advantages; steps 1-%d once each; %d groups trained, none twice%n", OUTAGE.toSeconds(),
                CRASH_AT_STEP, admitted.size(), STEPS, trained.size());
        } finally {
            broker[0].close();
        }
    }

    /** Records per key among committed records. */
    private static Map<String, Integer> keyCounts(ClusterEndpoints cluster, String topic) {
        Map<String, Integer> counts = new TreeMap<>();
        BoundedTopicReader.read(cluster.bootstrapServers(), Map.of(), topic, BoundedTopicReader.Start.beginning(), null,
            new ByteArrayDeserializer(), r -> counts.merge(r.key(), 1, Integer::sum), r -> { });
        return counts;
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<String> trainedPromptIds(Path log) throws IOException {
        List<String> ids = new ArrayList<>();
        Pattern id = Pattern.compile("\"([^\"]+)\"");
        for (String line : Files.readAllLines(log)) {
            Matcher m = id.matcher(line.substring(line.indexOf('[')));
            while (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    private static List<Integer> steps(Path metrics) throws IOException {
        return Files.readAllLines(metrics).stream()
            .map(line -> Integer.parseInt(line.replaceAll(".*\"step\":(\\d+).*", "$1"))).toList();
    }
}
