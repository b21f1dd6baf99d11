package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.SchemaRegistryServer;
import dev.vapostream.infra.testing.Await;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.schemas.io.BoundedTopicReader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection audit, short form: the four stages as separate processes ({@code vapo
 * learner|generator|scorer|advantage}, two generators), each kind SIGKILLed once at a seeded random
 * learner step and restarted on the same settings. At the end every topic is audited among
 * committed records: each admitted prompt's group is in rollouts, scored and advantages exactly
 * once (or in a dead-letter topic), every learner step is recorded, and no group was trained in two
 * steps. A second run SIGKILLs the broker instead (a process of its own) and brings it back on its
 * data 10-30 s later; no stage may need a restart, and the same audit holds. {@code
 * -Dvapo.faults.seed=N -Dvapo.faults.steps=M} run another schedule or a longer run of stage kills.
 */
@ExtendWith(SharedCluster.class)
class FaultInjectionIT {
    private static final long SEED = Long.getLong("vapo.faults.seed", 7L);
    private static final int STEPS = Integer.getInteger("vapo.faults.steps", 14);
    private static final Duration DEADLINE = Duration.ofMinutes(8);
    private static final int BROKER_RUN_STEPS = 10;

    @Test
    void everyKindOfStageKilledAndRestartedLeavesEachGroupExactlyOnceAndNoGroupTrainedTwice(ClusterEndpoints cluster,
                                                                                         @TempDir Path dir) throws Exception {
        // Given a pipeline's topics, data and base, and its five processes
        String id = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> topics = PipelineIT.topicsOf(id);
        PipelineIT.prepare(cluster, dir, topics, Map.of());
        List<Kill> plan = killPlan(new Random(SEED));
        Path metrics = dir.resolve("run").resolve("metrics.jsonl");
        Map<String, StageProcess> stages = new LinkedHashMap<>();
        try {
            start(cluster, dir, id, topics, STEPS, stages);
            // When each kind of stage is SIGKILLed once, at its planned learner step, and restarted at once
            for (Kill kill : plan) {
                Await.until(DEADLINE, "learner step " + kill.step() + " before killing " + kill.stage(),
                    () -> maxStep(metrics) >= kill.step() || !stages.get("learner").isAlive(),
                    () -> "learner log:\n" + stages.get("learner").logTail(20));
                assertTrue(stages.get("learner").isAlive() || kill.stage().equals("learner"),
                    "the learner stopped early:\n" + stages.get("learner").logTail(30));
                stages.get(kill.stage()).kill();
                stages.get(kill.stage()).restart();
            }
            // Then the learner finishes its steps and exits 0, the pipeline drains, and SIGTERM stops the rest cleanly
            finishAndStop(cluster, topics, stages);
        } finally {
            for (StageProcess p : stages.values()) {
                p.close();
            }
        }

        // And the audit holds: each group exactly once per topic, every step recorded, no group trained twice
        Audit audit = Audit.of(cluster, topics, dir.resolve("run"), STEPS);
        System.out.printf("FaultInjectionIT: seed %d, %d kills %s (stage@learner step); %s%n", SEED, plan.size(), plan, audit);
    }

    @Test
    void aBrokerKilledMidRunAndRestartedOnItsDataIsRiddenOutByEveryStageAndLosesNothing(@TempDir Path dir) throws Exception {
        // Given a broker of its own as an OS process on a data folder, a registry, and the pipeline's five processes
        // java.util.Random's first draws barely differ between small seeds: mix the seed so each one moves the step too.
        Random random = new Random(SEED * 0x9E3779B97F4A7C15L);
        int crashAfter = 2 + random.nextInt(BROKER_RUN_STEPS - 6);
        // How long the broker stays away is the fault injected (10-30 s), not a wait for something.
        Duration outage = Duration.ofSeconds(10 + random.nextInt(21));
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("kafka"), dir.resolve("broker.log"));
             SchemaRegistryServer registry = SchemaRegistryServer.start(dir.resolve("registry.log"))) {
            ClusterEndpoints cluster = new ClusterEndpoints(broker.bootstrapServers(), registry.baseUrl());
            String id = UUID.randomUUID().toString().substring(0, 8);
            Map<String, String> topics = PipelineIT.topicsOf(id);
            PipelineIT.prepare(cluster, dir, topics, Map.of());
            Path metrics = dir.resolve("run").resolve("metrics.jsonl");
            Map<String, StageProcess> stages = new LinkedHashMap<>();
            long replacedThreads;
            try {
                start(cluster, dir, id, topics, BROKER_RUN_STEPS, stages);
                // When the broker is SIGKILLed after the learner's step N and started again on its data after the outage
                Await.until(DEADLINE, "learner step " + crashAfter + " before killing the broker",
                    () -> maxStep(metrics) >= crashAfter || !stages.get("learner").isAlive(),
                    () -> "learner log:\n" + stages.get("learner").logTail(20));
                broker.kill();
                stayAway(outage);
                broker.restart();
                // Then every stage rides it out in its first process: the learner finishes, the rest stop on SIGTERM
                finishAndStop(cluster, topics, stages);
                for (Map.Entry<String, StageProcess> stage : stages.entrySet()) {
                    assertEquals(1, stage.getValue().starts(), stage.getKey() + " was started again");
                }
                replacedThreads = stages.values().stream().mapToLong(p -> p.logLinesWith("KAFKA-20785")).sum();
            } finally {
                for (StageProcess p : stages.values()) {
                    p.close();
                }
            }
            // And the same audit holds
            Audit audit = Audit.of(cluster, topics, dir.resolve("run"), BROKER_RUN_STEPS);
            System.out.printf("FaultInjectionIT: seed %d, broker SIGKILLed after learner step %d and back %d s later,"
                + " no stage restarted, %d stream threads replaced after a refused commit; %s%n", SEED, crashAfter,
                outage.toSeconds(), replacedThreads, audit);
        }
    }

    /** The outage itself: parkNanos may return early, so it parks until the whole outage has passed. */
    private static void stayAway(Duration outage) {
        long end = System.nanoTime() + outage.toNanos();
        for (long left = outage.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /**
     * The learner finishes its steps and exits 0, every admitted prompt is answered or dead-lettered
     * through to the advantages topic, and SIGTERM stops every other stage cleanly: its shutdown
     * hook closes it, and the JVM ends with 143.
     */
    private static void finishAndStop(ClusterEndpoints cluster, Map<String, String> topics, Map<String, StageProcess> stages)
        throws InterruptedException {
        int learnerExit = stages.get("learner").awaitExit(DEADLINE.toSeconds());
        assertEquals(0, learnerExit, () -> "learner exit; every stage's log:\n" + logTails(stages));
        Await.until(DEADLINE, "every admitted prompt answered or dead-lettered through to the advantages topic",
            () -> answeredOrDeadLettered(cluster, topics).containsAll(keyCounts(cluster, topics.get("prompts")).keySet()),
            () -> "prompts " + keyCounts(cluster, topics.get("prompts")).size() + ", advantages "
                + keyCounts(cluster, topics.get("advantages")).size());
        for (Map.Entry<String, StageProcess> stage : stages.entrySet()) {
            if (!stage.getKey().equals("learner")) {
                assertEquals(143, stage.getValue().terminate(), stage.getKey() + " on SIGTERM; log:\n"
                    + stage.getValue().logTail(30));
            }
        }
    }

    /** The end of each stage's log, without the metadata warnings a missing dead-letter topic repeats every second. */
    private static String logTails(Map<String, StageProcess> stages) {
        StringBuilder tails = new StringBuilder();
        stages.forEach((name, stage) -> tails.append("--- ").append(name).append(":\n")
            .append(stage.logTail(25, "reported a recoverable issue")).append('\n'));
        return tails.toString();
    }

    /**
     * What the audit of a finished run found, after asserting that it holds: among committed
     * records each admitted prompt's group is in rollouts, scored and advantages exactly once (or
     * dead-lettered), steps 1 to {@code steps} are recorded, and no group was trained in two steps.
     */
    private record Audit(int admittedPrompts, int deadLetteredPrompts, long recordsAudited, int lastStep, int groupsTrained) {
        static Audit of(ClusterEndpoints cluster, Map<String, String> topics, Path runDir, int steps) throws IOException {
            Map<String, Integer> admitted = keyCounts(cluster, topics.get("prompts"));
            Set<String> deadLettered = deadLettered(cluster, topics);
            long records = 0;
            for (String topic : List.of("rollouts", "scored", "advantages")) {
                Map<String, Integer> counts = keyCounts(cluster, topics.get(topic));
                records += counts.values().stream().mapToInt(Integer::intValue).sum();
                Set<String> expected = new TreeSet<>(admitted.keySet());
                expected.removeAll(deadLettered);
                assertTrue(counts.keySet().containsAll(expected), topic + ": admitted prompts lost");
                assertTrue(admitted.keySet().containsAll(counts.keySet()), topic + ": a group for a prompt never admitted");
                assertTrue(counts.values().stream().allMatch(n -> n == 1), topic + ": a group more than once " + counts);
            }
            assertEquals(IntStream.rangeClosed(1, steps).boxed().collect(Collectors.toCollection(TreeSet::new)),
                steps(runDir.resolve("metrics.jsonl")));
            List<String> trained = trainedOncePerStep(runDir.resolve(TRAINED_GROUPS));
            assertEquals(trained.size(), Set.copyOf(trained).size(), "a group trained in two steps: " + trained);
            return new Audit(admitted.size(), deadLettered.size(), records, steps, trained.size());
        }

        @Override
        public String toString() {
            return String.format("%d admitted prompts, %d dead-lettered; %d records audited in rollouts, scored and advantages:"
                + " 0 lost, 0 duplicated; steps 1-%d recorded; %d groups trained, none twice", admittedPrompts, deadLetteredPrompts,
                recordsAudited, lastStep, groupsTrained);
        }
    }

    private static final String TRAINED_GROUPS = "trained-groups.jsonl";

    /** A SIGKILL of {@code stage} once the learner has recorded {@code step}. */
    record Kill(String stage, int step) {
        @Override
        public String toString() {
            return stage + "@" + step;
        }
    }

    /**
     * Every kind of stage killed once per 14 learner steps, in a seeded order at seeded distinct
     * steps (at least 2, and 2 before the end): 4 kills in the short form, more in a longer run.
     */
    private static List<Kill> killPlan(Random random) {
        if (STEPS < 8) {
            throw new IllegalArgumentException("vapo.faults.steps must be at least 8 (4 kills at distinct steps from 2), got "
                + STEPS);
        }
        List<String> kinds = new ArrayList<>();
        for (int round = 0; round < Math.max(1, STEPS / 14); round++) {
            List<String> once = new ArrayList<>(List.of("scorer", "advantage", "generator-a", "learner"));
            Collections.shuffle(once, random);
            kinds.addAll(once);
        }
        List<Integer> at = new ArrayList<>(new TreeSet<>(random.ints(2, STEPS - 2).distinct().limit(kinds.size())
            .boxed().toList()));
        List<Kill> plan = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            plan.add(new Kill(kinds.get(i), at.get(i)));
        }
        return plan;
    }

    /** Starts the five processes into {@code stages}, so that whatever started is stopped even if one fails to. */
    private static void start(ClusterEndpoints cluster, Path dir, String id, Map<String, String> t, int steps,
                              Map<String, StageProcess> stages) throws IOException {
        Properties learner = PipelineIT.learnerSettings(cluster, dir, id, t);
        learner.setProperty("max.steps", Integer.toString(steps - 1));
        stages.put("learner", StageProcess.start("learner", "learner", learner, dir));
        for (String worker : List.of("generator-a", "generator-b")) {
            Properties g = PipelineIT.generatorSettings(cluster, id, t);
            g.setProperty("worker.id", worker + "-" + id);
            stages.put(worker, StageProcess.start("generator", worker, g, dir));
        }
        stages.put("scorer", StageProcess.start("scorer", "scorer", PipelineIT.scorerSettings(cluster, dir, id, t), dir));
        stages.put("advantage", StageProcess.start("advantage", "advantage",
            PipelineIT.advantageSettings(cluster, dir, id, t), dir));
    }

    /** Records per key among committed records (the corpus test audits with it too). */
    static Map<String, Integer> keyCounts(ClusterEndpoints cluster, String topic) {
        Map<String, Integer> counts = new TreeMap<>();
        BoundedTopicReader.read(cluster.bootstrapServers(), Map.of(), topic, BoundedTopicReader.Start.beginning(), null,
            new ByteArrayDeserializer(), r -> counts.merge(r.key(), 1, Integer::sum), r -> { });
        return counts;
    }

    /** Prompt ids in any of the pipeline's dead-letter topics. */
    private static Set<String> deadLettered(ClusterEndpoints cluster, Map<String, String> t) {
        Set<String> ids = new TreeSet<>();
        for (String topic : List.of("prompts", "rollouts", "scored")) {
            ids.addAll(keyCounts(cluster, t.get(topic) + ".dlq").keySet());
        }
        return ids;
    }

    private static Set<String> answeredOrDeadLettered(ClusterEndpoints cluster, Map<String, String> t) {
        Set<String> ids = new TreeSet<>(keyCounts(cluster, t.get("advantages")).keySet());
        ids.addAll(deadLettered(cluster, t));
        return ids;
    }

    private static final Pattern STEP = Pattern.compile("\"step\":(\\d+)");

    static int maxStep(Path metrics) {
        try {
            return Files.exists(metrics) ? steps(metrics).stream().mapToInt(Integer::intValue).max().orElse(0) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static Set<Integer> steps(Path metrics) throws IOException {
        Set<Integer> steps = new TreeSet<>();
        for (String line : Files.readAllLines(metrics)) {
            Matcher m = STEP.matcher(line);
            if (m.find()) {
                steps.add(Integer.parseInt(m.group(1)));
            }
        }
        return steps;
    }

    /**
     * The prompt ids trained, one record per step: a step the learner was killed in before its
     * checkpoint is trained again after the restart, and its later record is the one that counts.
     */
    private static List<String> trainedOncePerStep(Path log) throws IOException {
        Map<Integer, String> lastPerStep = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = STEP.matcher(line);
            if (m.find()) {
                lastPerStep.put(Integer.parseInt(m.group(1)), line.substring(line.indexOf('[')));
            }
        }
        List<String> ids = new ArrayList<>();
        Pattern id = Pattern.compile("\"([^\"]+)\"");
        for (String groups : lastPerStep.values()) {
            Matcher m = id.matcher(groups);
            while (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }
}
