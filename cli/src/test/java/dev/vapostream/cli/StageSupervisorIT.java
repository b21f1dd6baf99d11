package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.Await;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedCluster.class)
class StageSupervisorIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** A one-node Streams app on a topic of its own; records whose value is "poison" make it throw. */
    private static KafkaStreams app(ClusterEndpoints cluster, String topic, Path stateDir) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String()).withName("supervised-source"))
            .foreach((key, value) -> {
                if (value.equals("poison")) {
                    throw new IllegalStateException("a record this stage cannot survive");
                }
            });
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, topic + "-app");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new KafkaStreams(builder.build(), props);
    }

    private static void send(ClusterEndpoints cluster, String topic, String value) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", value));
        }
    }

    @Test
    void aStageThatDiesOnAnErrorIsTheRunsFailureWithThatError(ClusterEndpoints cluster, @TempDir Path dir) throws Exception {
        // Given a supervised, running Streams stage
        String topic = TestTopics.unique("supervised.fatal");
        StageSupervisor supervisor = new StageSupervisor();
        try (KafkaStreams streams = app(cluster, topic, dir)) {
            supervisor.watch("scorer", streams);
            streams.start();
            Await.until(DEADLINE, "the stage to run", () -> streams.state() == KafkaStreams.State.RUNNING);
            assertEquals(Optional.empty(), supervisor.failure());
            // When a record kills its stream thread
            send(cluster, topic, "poison");
            // Then the supervisor reports the stage and the error that killed it
            Await.until(DEADLINE, "the failure to be reported", () -> supervisor.failure().isPresent());
            StageSupervisor.Failure failure = supervisor.failure().orElseThrow();
            assertEquals("scorer", failure.stage());
            assertTrue(failure.describe().contains("a record this stage cannot survive"), failure.describe());
            supervisor.closing();
        }
    }

    @Test
    void aStageClientClosedUnderTheRunIsAFailureButClosingOnPurposeIsNot(ClusterEndpoints cluster, @TempDir Path dir)
        throws Exception {
        // Given two supervised, running Streams stages
        String first = TestTopics.unique("supervised.killed");
        String second = TestTopics.unique("supervised.closed");
        StageSupervisor supervisor = new StageSupervisor();
        try (KafkaStreams killed = app(cluster, first, dir.resolve("a")); KafkaStreams closed = app(cluster, second, dir.resolve("b"))) {
            supervisor.watch("advantage", killed);
            killed.start();
            Await.until(DEADLINE, "the stage to run", () -> killed.state() == KafkaStreams.State.RUNNING);
            // When one client is closed by something other than the run
            killed.close(Duration.ofSeconds(30));
            // Then that is the run's failure
            Await.until(DEADLINE, "the failure to be reported", () -> supervisor.failure().isPresent());
            assertEquals("advantage", supervisor.failure().orElseThrow().stage());

            // Given a fresh supervisor When the run closes its stage on purpose Then nothing failed
            StageSupervisor calm = new StageSupervisor();
            calm.watch("scorer", closed);
            closed.start();
            Await.until(DEADLINE, "the stage to run", () -> closed.state() == KafkaStreams.State.RUNNING);
            calm.closing();
            closed.close(Duration.ofSeconds(30));
            assertEquals(Optional.empty(), calm.failure());
        }
    }

    @Test
    void aWorkerThatReportsAFailureIsTheRunsFailure() {
        // Given a supervised worker that has not failed yet
        AtomicReference<Throwable> reported = new AtomicReference<>();
        StageSupervisor supervisor = new StageSupervisor();
        supervisor.watch("generator-0", () -> Optional.ofNullable(reported.get()));
        assertEquals(Optional.empty(), supervisor.failure());
        // When it reports a failure, and another stage fails after it
        reported.set(new IllegalStateException("weights topic gone"));
        supervisor.watch("generator-1", () -> Optional.of(new IllegalStateException("later")));
        // Then the first is the run's failure
        assertEquals("generator-0", supervisor.failure().orElseThrow().stage());
    }
}
