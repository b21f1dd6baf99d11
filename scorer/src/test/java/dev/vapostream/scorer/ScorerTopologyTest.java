package dev.vapostream.scorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.testing.HermeticSerdes;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ResponseScore;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.dlq.DeadLetter;
import dev.vapostream.schemas.dlq.DeadLetterMetrics;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring topology in a {@link TopologyTestDriver}, hermetic: Avro serdes with no registry
 * ({@link HermeticSerdes}; the registry's wire format is {@code ScorerPipelineIT}'s): correct, wrong and unparsable answers, bad ground truth, scorer
 * exceptions, timeouts, malformed results and undeserializable records.
 */
class ScorerTopologyTest {
    private static final String STAGE = "scorer-under-test";

    @TempDir
    Path stateDir;
    private String input;
    private String output;
    private TopologyTestDriver driver;

    @BeforeEach
    void setUp() {
        this.input = TestTopics.unique("rollouts");
        this.output = TestTopics.unique("scored");
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
        FaultInjectingScorer.releaseStuckScorers();
    }

    private ScorerConfig config(String... extra) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "127.0.0.1:1");
        HermeticSerdes.into(p);
        p.setProperty("input.topic", input);
        p.setProperty("output.topic", output);
        p.setProperty("stage", STAGE);
        p.setProperty("kafka.state.dir", stateDir.toString());
        for (int i = 0; i < extra.length; i += 2) {
            p.setProperty(extra[i], extra[i + 1]);
        }
        return ScorerConfig.fromProperties(p);
    }

    private void start(ScorerConfig config) {
        driver = new TopologyTestDriver(ScorerTopology.build(config), config.streamsProperties());
    }

    private SerdeSettings serdes() {
        return HermeticSerdes.settings();
    }

    private TestInputTopic<String, ResponseGroup> rollouts() {
        Serde<ResponseGroup> serde = serdes().valueSerde(ResponseGroup.class);
        return driver.createInputTopic(input, new StringSerializer(), serde.serializer());
    }

    private TestOutputTopic<String, ScoredGroup> scored() {
        Serde<ScoredGroup> serde = serdes().valueSerde(ScoredGroup.class);
        return driver.createOutputTopic(output, new StringDeserializer(), serde.deserializer());
    }

    private TestOutputTopic<byte[], byte[]> deadLetters() {
        return driver.createOutputTopic(input + ".dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private double metric(String name) {
        return driver.metrics().entrySet().stream()
            .filter(e -> e.getKey().group().equals(ScorerMetrics.GROUP) && e.getKey().name().equals(name))
            .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
            .sum();
    }

    private static String header(Headers headers, String name) {
        return DeadLetter.header(headers, name);
    }

    @Test
    void correctWrongAndUnparsableAnswers() {
        // Given the default correctness scorer
        start(config());
        // When a group with a right, a wrong, a zero-padded and two unparsable answers arrives
        rollouts().pipeInput("p-1", Groups.group("p-1", "42", "6*7 # 42", "# 41", "#042", "forty-two", "# 4 2"));
        // Then it is written once, keyed by prompt id, with a reward, verdict and component per response
        List<TestRecord<String, ScoredGroup>> out = scored().readRecordsToList();
        assertEquals(1, out.size());
        assertEquals("p-1", out.get(0).key());
        ScoredGroup g = out.get(0).value();
        assertEquals("p-1", g.getRollout().getPromptId());
        assertEquals(List.of(1.0, 0.0, 1.0, 0.0, 0.0), g.getScores().stream().map(ResponseScore::getReward).toList());
        assertEquals(List.of(true, false, true, false, false), g.getScores().stream().map(ResponseScore::getCorrect).toList());
        assertEquals(List.of(false, false, false, true, true), g.getScores().stream().map(ResponseScore::getFormatError).toList());
        for (ResponseScore s : g.getScores()) {
            assertEquals(1, s.getComponents().size());
            assertEquals("correctness", s.getComponents().get(0).getScorer().getName());
            assertEquals(s.getReward(), s.getComponents().get(0).getValue());
        }
        assertEquals(List.of("correctness@1"), g.getScorers().stream().map(id -> id.getName() + "@" + id.getVersion()).toList());
        assertEquals("true", header(out.get(0).headers(), ScoringProcessor.JUDGED_HEADER));
        assertTrue(deadLetters().isEmpty());
        assertEquals(1.0, metric("groups-scored-total"));
        assertTrue(metric("groups-scored-latency-max") >= 0.0);
    }

    @Test
    void composedScorersAddTheirComponents() {
        // Given correctness followed by the overlong penalty (L_max 100, cache 40)
        start(config("scorers", "correctness,overlong", "scorer.overlong.max-tokens", "100", "scorer.overlong.cache-tokens", "40"));
        // When a group has a short right answer, a long right answer and a long wrong one
        rollouts().pipeInput("p-2", Groups.group("p-2", "7", Map.of(), List.of(
            Groups.response("# 7", 20), Groups.response("# 7", 80), Groups.response("# 8", 100))));
        // Then each reward is correctness plus penalty, with both components in order
        ScoredGroup g = scored().readValue();
        assertEquals(List.of(1.0, 0.5, -1.0), g.getScores().stream().map(ResponseScore::getReward).toList());
        assertEquals(List.of(true, true, false), g.getScores().stream().map(ResponseScore::getCorrect).toList());
        assertEquals(List.of(0.0, -0.5, -1.0),
            g.getScores().stream().map(s -> s.getComponents().get(1).getValue()).toList());
        assertEquals(List.of("correctness", "overlong"), g.getScorers().stream().map(id -> id.getName()).toList());
    }

    @Test
    void aGroundTruthThatIsNotAnIntegerIsDeadLetteredAndTheStageContinues() {
        // Given the correctness scorer
        start(config());
        TestInputTopic<String, ResponseGroup> in = rollouts();
        // When a group with a non-integer ground truth arrives, then a good one
        in.pipeInput("bad", Groups.group("bad", "four", "# 4"));
        in.pipeInput("good", Groups.group("good", "4", "# 4"));
        // Then the bad group is in the DLQ with its original bytes and the reason, never scored 0
        List<TestRecord<byte[], byte[]>> dead = deadLetters().readRecordsToList();
        assertEquals(1, dead.size());
        TestRecord<byte[], byte[]> letter = dead.get(0);
        assertArrayEquals("bad".getBytes(StandardCharsets.UTF_8), letter.key());
        ResponseGroup original = serdes().valueSerde(ResponseGroup.class).deserializer().deserialize(input, letter.value());
        assertEquals("four", original.getAnswer());
        assertEquals(STAGE, header(letter.headers(), DeadLetter.STAGE));
        assertEquals("dev.vapostream.scorer.api.BadGroupException", header(letter.headers(), DeadLetter.ERROR_CLASS));
        assertTrue(header(letter.headers(), DeadLetter.ERROR_MESSAGE).contains("ground truth 'four'"),
            header(letter.headers(), DeadLetter.ERROR_MESSAGE));
        assertEquals(input, header(letter.headers(), DeadLetter.SOURCE_TOPIC));
        assertEquals("0", header(letter.headers(), DeadLetter.SOURCE_OFFSET));
        // and the stage went on to score the good group
        List<TestRecord<String, ScoredGroup>> out = scored().readRecordsToList();
        assertEquals(List.of("good"), out.stream().map(TestRecord::key).toList());
        assertEquals(1.0, metric("groups-failed-total"));
        assertEquals(1.0, metric("groups-scored-total"));
    }

    @Test
    void aScorerExceptionIsDeadLetteredWithItsReason() {
        // Given a chain whose second scorer throws on one group
        start(config("scorers", "correctness,faults"));
        TestInputTopic<String, ResponseGroup> in = rollouts();
        // When that group arrives, then a good one
        in.pipeInput("boom", Groups.group("boom", "1", Map.of(FaultInjectingScorer.FAULT, "throw"), "# 1"));
        in.pipeInput("fine", Groups.group("fine", "1", "# 1"));
        // Then the failing group is dead-lettered naming the scorer and its exception
        TestRecord<byte[], byte[]> letter = deadLetters().readRecord();
        assertEquals(IllegalStateException.class.getName(), header(letter.headers(), DeadLetter.ERROR_CLASS));
        String message = header(letter.headers(), DeadLetter.ERROR_MESSAGE);
        assertTrue(message.contains("scorer faults@test-1 failed") && message.contains("injected failure for boom"), message);
        // and only the good group is scored, with both components
        ScoredGroup g = scored().readRecordsToList().stream().map(TestRecord::value).reduce((a, b) -> {
            throw new AssertionError("more than one scored group");
        }).orElseThrow();
        assertEquals("fine", g.getRollout().getPromptId());
        assertEquals(1.0 + FaultInjectingScorer.REWARD, g.getScores().get(0).getReward());
        assertEquals(1.0, metric("groups-failed-total"));
    }

    @Test
    void aScorerThatReturnsTheWrongNumberOfScoresIsAFailure() {
        // Given a scorer that returns fewer scores than responses
        start(config("scorers", "faults"));
        // When scored
        rollouts().pipeInput("short", Groups.group("short", "1", Map.of(FaultInjectingScorer.FAULT, "short"), "# 1", "# 2"));
        // Then the group is dead-lettered, not padded with zeros
        TestRecord<byte[], byte[]> letter = deadLetters().readRecord();
        assertTrue(header(letter.headers(), DeadLetter.ERROR_MESSAGE).contains("returned 0 scores for 2 responses"),
            header(letter.headers(), DeadLetter.ERROR_MESSAGE));
        assertTrue(scored().isEmpty());
    }

    @Test
    void aGroupThatOverrunsItsTimeLimitIsDeadLetteredAndTheStageContinues() {
        // Given a 300 ms limit per group and a scorer that hangs on two groups, one of them ignoring interrupts
        start(config("scorers", "correctness,faults", "group.timeout.ms", "300"));
        TestInputTopic<String, ResponseGroup> in = rollouts();
        // When both hanging groups arrive, then a good one
        in.pipeInput("slow", Groups.group("slow", "1", Map.of(FaultInjectingScorer.FAULT, "hang"), "# 1"));
        in.pipeInput("stuck", Groups.group("stuck", "1", Map.of(FaultInjectingScorer.FAULT, "hang-ignoring-interrupts"), "# 1"));
        in.pipeInput("quick", Groups.group("quick", "1", "# 1"));
        // Then both hanging groups are dead-lettered as timeouts naming the scorer and the limit
        List<TestRecord<byte[], byte[]>> dead = deadLetters().readRecordsToList();
        assertEquals(List.of("slow", "stuck"), dead.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList());
        for (TestRecord<byte[], byte[]> letter : dead) {
            assertEquals(ScoringTimeoutException.class.getName(), header(letter.headers(), DeadLetter.ERROR_CLASS));
            String message = header(letter.headers(), DeadLetter.ERROR_MESSAGE);
            assertTrue(message.contains("scorer faults@test-1 did not finish within 300 ms"), message);
        }
        // and the next group is still scored, although a worker is still stuck
        assertEquals(List.of("quick"), scored().readRecordsToList().stream().map(TestRecord::key).toList());
        assertEquals(2.0, metric("groups-timed-out-total"));
        assertEquals(0.0, metric("groups-failed-total"));
        assertEquals(1.0, metric("groups-scored-total"));
    }

    @Test
    void anUndeserializableRecordIsDeadLetteredWithItsBytesAndTheStageContinues() {
        // Given the scoring stage. TopologyTestDriver loses the dead letters a deserialization
        // handler returns when exactly-once is on (records are dead-lettered while being enqueued,
        // outside the driver's transaction); real Streams keeps them (ScorerPipelineIT checks that
        // under exactly-once). So this one test drives the topology at-least-once.
        start(config("kafka.processing.guarantee", "at_least_once"));
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(input, new StringSerializer(), new ByteArraySerializer());
        long before = DeadLetterMetrics.count(STAGE, input);
        // When a record that is not Avro arrives, then a good group
        byte[] garbage = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);
        raw.pipeInput("junk", garbage);
        rollouts().pipeInput("ok", Groups.group("ok", "3", "# 3"));
        // Then the junk is dead-lettered byte for byte with the deserializer's error, and counted
        TestRecord<byte[], byte[]> letter = deadLetters().readRecord();
        assertArrayEquals("junk".getBytes(StandardCharsets.UTF_8), letter.key());
        assertArrayEquals(garbage, letter.value());
        assertEquals(STAGE, header(letter.headers(), DeadLetter.STAGE));
        assertEquals(input, header(letter.headers(), DeadLetter.SOURCE_TOPIC));
        assertTrue(!header(letter.headers(), DeadLetter.ERROR_CLASS).isBlank());
        assertTrue(deadLetters().isEmpty());
        assertEquals(before + 1, DeadLetterMetrics.count(STAGE, input));
        // and the good group is scored; the processor never saw the junk
        assertEquals(List.of("ok"), scored().readRecordsToList().stream().map(TestRecord::key).toList());
        assertEquals(0.0, metric("groups-failed-total"));
    }

    @Test
    void aLaterStageAppendsItsComponentsToAScoredGroup() {
        // Given a first stage with correctness and a second stage with overlong reading its output
        ScorerConfig first = config();
        start(first);
        rollouts().pipeInput("p-3", Groups.group("p-3", "5", Map.of(), List.of(Groups.response("# 5", 95), Groups.response("# 6", 10))));
        TestRecord<String, ScoredGroup> intermediate = scored().readRecord();
        driver.close();
        input = output;
        output = TestTopics.unique("final");
        start(config("input.type", "scored-group", "scorers", "overlong", "application.id", "stage-2"));
        TestInputTopic<String, ScoredGroup> in = driver.createInputTopic(input, new StringSerializer(),
            serdes().valueSerde(ScoredGroup.class).serializer());
        // When the second stage reads the first stage's record, header included
        in.pipeInput(new TestRecord<>(intermediate.key(), intermediate.value(), intermediate.headers(), intermediate.timestamp()));
        // Then it appends the overlong component (default L_max 100, cache 20) and keeps correctness' verdicts
        ScoredGroup g = scored().readValue();
        assertEquals(List.of("correctness", "overlong"), g.getScorers().stream().map(id -> id.getName()).toList());
        assertEquals(List.of(1.0 - 0.75, 0.0), g.getScores().stream().map(ResponseScore::getReward).toList());
        assertEquals(List.of(true, false), g.getScores().stream().map(ResponseScore::getCorrect).toList());
        assertEquals(List.of(2, 2), g.getScores().stream().map(s -> s.getComponents().size()).toList());
    }

    @Test
    void aLaterStageRefusesToScoreAGroupTwiceWithTheSameScorer() {
        // Given a second stage configured with a scorer the first stage already ran
        start(config());
        rollouts().pipeInput("p-4", Groups.group("p-4", "5", "# 5"));
        TestRecord<String, ScoredGroup> intermediate = scored().readRecord();
        driver.close();
        input = output;
        output = TestTopics.unique("final");
        start(config("input.type", "scored-group", "scorers", "correctness"));
        TestInputTopic<String, ScoredGroup> in = driver.createInputTopic(input, new StringSerializer(),
            serdes().valueSerde(ScoredGroup.class).serializer());
        // When the group arrives
        in.pipeInput(intermediate);
        // Then it is dead-lettered instead of having its reward counted twice
        TestRecord<byte[], byte[]> letter = deadLetters().readRecord();
        assertTrue(header(letter.headers(), DeadLetter.ERROR_MESSAGE).contains("already scored by correctness@1"),
            header(letter.headers(), DeadLetter.ERROR_MESSAGE));
        assertTrue(scored().isEmpty());
    }

    @Test
    void topologyNamesEveryNode() {
        // Given a config When the topology is described Then its nodes carry the documented names
        String description = ScorerTopology.build(config()).describe().toString();
        for (String name : List.of(ScorerTopology.SOURCE, ScorerTopology.PROCESSOR, ScorerTopology.SINK)) {
            assertTrue(description.contains(name), description);
        }
        assertTrue(description.contains(input) && description.contains(output), description);
    }

    @SuppressWarnings("unused")
    private static boolean isScorerMetric(MetricName name) {
        return name.group().equals(ScorerMetrics.GROUP);
    }
}
