package dev.vapostream.schemas.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.Await;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.schemas.metrics.StageMeters;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.ForeachAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedCluster.class)
class StageRunnerIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** A one-node Streams stage on a topic of its own; a record whose value is "poison" makes it throw. */
    private static StreamsStage streamsStage(String name, ClusterEndpoints cluster, String topic, Path stateDir)
        throws Exception {
        return streamsStage(name, cluster, topic, stateDir, (key, value) -> {
            if (value.equals("poison")) {
                throw new IllegalStateException("a record this stage cannot survive");
            }
        });
    }

    /** A one-node, exactly-once Streams stage on a topic of its own that runs {@code action} on each record. */
    private static StreamsStage streamsStage(String name, ClusterEndpoints cluster, String topic, Path stateDir,
                                             ForeachAction<String, String> action) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String()).withName("supervised-source"))
            .foreach(action);
        Topology topology = builder.build();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, topic + "-app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return new StreamsStage(name, topology, props);
    }

    private static void send(ClusterEndpoints cluster, String topic, String value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value));
        }
    }

    /** A worker that loops until it is asked to stop, and remembers that it was closed. */
    private static final class Looping {
        final CountDownLatch stop = new CountDownLatch(1);
        final AtomicBoolean closed = new AtomicBoolean();
        final ThreadStage stage;

        Looping(String name) {
            stage = new ThreadStage(name, () -> stop.await(), stop::countDown, Optional::empty,
                () -> closed.set(true), Duration.ofSeconds(10));
        }
    }

    private static CompletableFuture<StageRunner.Outcome> runInBackground(StageRunner runner) {
        return CompletableFuture.supplyAsync(runner::run);
    }

    @Test
    void aStageWhoseStreamThreadDiesEndsTheRunWithThatErrorAndEveryStageIsClosed(ClusterEndpoints cluster,
                                                                                  @TempDir Path dir) throws Exception {
        // Given a running Streams stage beside a worker stage
        String topic = TestTopics.unique("supervised.fatal");
        StreamsStage scorer = streamsStage("scorer", cluster, topic, dir);
        Looping generator = new Looping("generator-0");
        CompletableFuture<StageRunner.Outcome> run = runInBackground(new StageRunner(List.of(generator.stage, scorer)));
        Await.until(DEADLINE, "the stage to run", () -> scorer.state() == KafkaStreams.State.RUNNING);
        // When a record kills its stream thread
        send(cluster, topic, "poison");
        // Then the run ends with that stage and its error, exit code 1, and the other stage is closed too
        StageRunner.Outcome outcome = run.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        StageRunner.Failure failure = outcome.failure().orElseThrow();
        assertEquals("scorer", failure.stage());
        assertTrue(failure.describe().contains("a record this stage cannot survive"), failure.describe());
        assertEquals(1, outcome.exitCode());
        assertTrue(generator.closed.get(), "the generator stage was closed");
        assertEquals(KafkaStreams.State.ERROR, scorer.state());
    }

    @Test
    void aStreamThreadThatDiesOnACommitTheBrokerRefusedIsReplacedAndTheStageRunsOn(ClusterEndpoints cluster,
                                                                                  @TempDir Path dir) throws Exception {
        // Given a running exactly-once Streams stage whose thread dies, once, as on a commit refused with
        // INVALID_TXN_STATE after a long broker outage
        String topic = TestTopics.unique("supervised.refused");
        String name = "advantage-" + topic;
        AtomicBoolean refused = new AtomicBoolean();
        List<String> processed = new CopyOnWriteArrayList<>();
        StreamsStage advantage = streamsStage(name, cluster, topic, dir, (key, value) -> {
            if (value.equals("first") && refused.compareAndSet(false, true)) {
                throw new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state.");
            }
            processed.add(value);
        });
        StageRunner runner = new StageRunner(List.of(advantage));
        CompletableFuture<StageRunner.Outcome> run = runInBackground(runner);
        Await.until(DEADLINE, "the stage to run", () -> advantage.state() == KafkaStreams.State.RUNNING);
        // When that record and another arrive
        send(cluster, topic, "first");
        send(cluster, topic, "second");
        // Then a new stream thread processes both (the first again, as its transaction was never committed),
        // the replacement is counted, and the stage has not failed
        Await.until(DEADLINE, "both records processed after the thread was replaced",
            () -> processed.containsAll(List.of("first", "second")), processed::toString);
        assertTrue(refused.get(), "the thread died once");
        assertEquals(Optional.empty(), advantage.failure());
        assertEquals(1.0, StageMeters.registry().counter("vapo.streams.thread.replacements", "stage", name).count());
        runner.stop();
        assertEquals(0, run.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).exitCode());
    }

    @Test
    void aStreamsStageWhoseSourceTopicIsDeletedUnderItIsAFailure(ClusterEndpoints cluster, @TempDir Path dir) throws Exception {
        // Given a running Streams stage
        String topic = TestTopics.unique("supervised.deleted");
        StreamsStage advantage = streamsStage("advantage", cluster, topic, dir);
        CompletableFuture<StageRunner.Outcome> run = runInBackground(new StageRunner(List.of(advantage)));
        Await.until(DEADLINE, "the stage to run", () -> advantage.state() == KafkaStreams.State.RUNNING);
        // When its source topic is deleted under it
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.deleteTopics(List.of(topic)).all().get();
        }
        // Then the run ends with that stage's failure
        StageRunner.Outcome outcome = run.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertEquals("advantage", outcome.failure().orElseThrow().stage(), outcome.toString());
    }

    @Test
    void aStreamsClientClosedBehindItsStagesBackIsAFailure(ClusterEndpoints cluster, @TempDir Path dir) throws Exception {
        // Given a running Streams stage
        String topic = TestTopics.unique("supervised.closed");
        StreamsStage scorer = streamsStage("scorer", cluster, topic, dir);
        CompletableFuture<StageRunner.Outcome> run = runInBackground(new StageRunner(List.of(scorer)));
        Await.until(DEADLINE, "the stage to run", () -> scorer.state() == KafkaStreams.State.RUNNING);
        // When something other than the stage closes its client
        scorer.client().close(Duration.ofSeconds(30));
        // Then the state listener reports it as the stage's failure
        StageRunner.Failure failure = run.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).failure().orElseThrow();
        assertEquals("scorer", failure.stage());
        assertTrue(failure.describe().contains("Kafka Streams went from RUNNING to"), failure.describe());
    }

    @Test
    void stoppingTheRunOnPurposeClosesEveryStageWithoutAFailure(ClusterEndpoints cluster, @TempDir Path dir)
        throws Exception {
        // Given a running Streams stage and a worker stage
        String topic = TestTopics.unique("supervised.stopped");
        StreamsStage scorer = streamsStage("scorer", cluster, topic, dir);
        Looping generator = new Looping("generator-0");
        StageRunner runner = new StageRunner(List.of(generator.stage, scorer));
        CompletableFuture<StageRunner.Outcome> run = runInBackground(runner);
        Await.until(DEADLINE, "the stage to run", () -> scorer.state() == KafkaStreams.State.RUNNING);
        // When the run is asked to stop (what Ctrl-C does)
        runner.stop();
        // Then nothing failed, the exit code is 0 and both stages are closed
        StageRunner.Outcome outcome = run.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Optional.empty(), outcome.failure());
        assertEquals(0, outcome.exitCode());
        assertTrue(generator.closed.get(), "the generator stage was closed");
        assertEquals(KafkaStreams.State.NOT_RUNNING, scorer.state());
    }

    @Test
    void aStageThatFinishesItsWorkEndsTheRunCleanly() throws Exception {
        // Given a learner-like stage that is done after its work, beside a worker that loops
        Looping generator = new Looping("generator-0");
        ThreadStage learner = new ThreadStage("learner", () -> { }, () -> { }, Optional::empty, null, Duration.ofSeconds(10));
        // When they run
        StageRunner.Outcome outcome = runInBackground(new StageRunner(List.of(generator.stage, learner)))
            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        // Then the run ended because the learner finished, with exit code 0, and the worker was closed
        assertEquals(Optional.empty(), outcome.failure());
        assertEquals("learner finishing", outcome.endedBy());
        assertTrue(generator.closed.get(), "the generator stage was closed");
    }

    @Test
    void aWorkerThatThrowsOrReportsAFailureIsTheRunsFailure() throws Exception {
        // Given a worker that reports a failure instead of throwing, and one that throws
        Looping calm = new Looping("generator-0");
        ThreadStage reporting = new ThreadStage("generator-1", () -> { }, () -> { },
            () -> Optional.of(new IllegalStateException("weights topic gone")), null, Duration.ofSeconds(10));
        ThreadStage throwing = new ThreadStage("learner", () -> {
            throw new IllegalStateException("registry unreachable");
        }, () -> { }, Optional::empty, null, Duration.ofSeconds(10));
        // When each runs beside the calm worker
        StageRunner.Outcome reported = runInBackground(new StageRunner(List.of(calm.stage, reporting)))
            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        Looping calm2 = new Looping("generator-0");
        StageRunner.Outcome thrown = runInBackground(new StageRunner(List.of(calm2.stage, throwing)))
            .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        // Then each is the run's failure, with its message
        assertEquals("generator-1", reported.failure().orElseThrow().stage());
        assertTrue(reported.failure().orElseThrow().describe().contains("weights topic gone"));
        assertEquals("learner", thrown.failure().orElseThrow().stage());
        assertTrue(thrown.failure().orElseThrow().describe().contains("registry unreachable"));
        assertTrue(calm.closed.get() && calm2.closed.get(), "the calm workers were closed");
    }

    @Test
    void aStageThatFailsToStartFailsTheRunAndTheStagesAlreadyStartedAreClosed() throws Exception {
        // Given a worker stage, then a stage whose start throws
        Looping generator = new Looping("generator-0");
        AtomicBoolean brokenClosed = new AtomicBoolean();
        Stage broken = new Stage() {
            @Override public String name() { return "scorer"; }
            @Override public void start() { throw new IllegalStateException("no state directory"); }
            @Override public Optional<Throwable> failure() { return Optional.empty(); }
            @Override public boolean stopped() { return false; }
            @Override public void close() { brokenClosed.set(true); }
        };
        // When they run
        StageRunner.Outcome outcome = new StageRunner(List.of(generator.stage, broken)).run();
        // Then the run failed with the stage that did not start, and both stages were closed
        assertEquals("scorer", outcome.failure().orElseThrow().stage());
        assertTrue(generator.closed.get() && brokenClosed.get(), "both stages were closed");
    }
}
