package dev.vapostream.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.packed.ResponseArrays;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Bad records for a stage's input topic, each with the dead-letter topic it must reach and a
 * fragment its reason must contain. Wire-level kinds are the same for every topic; the semantic
 * kinds are well-formed records, copied from what the pipeline wrote, with one defect each.
 */
final class BadInputCorpus {
    /** One bad record: its topic and key, its bytes (null: a tombstone), where it must land and why. */
    record Bad(String kind, String topic, String key, byte[] value, String deadLetterTopic, String reason) {
        @Override
        public String toString() {
            return topic + " " + kind;
        }
    }

    /** The wire-level kinds, the same on every topic. */
    static final List<String> WIRE_KINDS = List.of("empty value", "random bytes", "wrong magic byte", "unknown schema id",
        "truncated", "JSON", "900 KB", "tombstone", "another topic's schema id");

    private final List<Bad> records = new ArrayList<>();
    private final Random random = new Random(11);

    List<Bad> records() {
        return Collections.unmodifiableList(records);
    }

    /**
     * The wire-level kinds on {@code topic}: {@code valid} is a record of the topic's own type as the
     * registry serde frames it, {@code foreign} a framed record of another topic's type.
     */
    void wireKinds(String topic, String keyPrefix, String typeName, byte[] valid, byte[] foreign, String foreignType,
                   String tombstoneReason) {
        String dlq = TopicDescriptor.deadLetterTopicOf(topic);
        add("empty value", topic, keyPrefix, new byte[0], dlq, "value is empty (0 bytes)");
        add("random bytes", topic, keyPrefix, randomBytes(64, (byte) 0x42), dlq, "first byte 0x42) is not in the registry wire format");
        byte[] wrongMagic = valid.clone();
        wrongMagic[0] = 1;
        add("wrong magic byte", topic, keyPrefix, wrongMagic, dlq, "first byte 0x01) is not in the registry wire format");
        byte[] unknownId = valid.clone();
        ByteBuffer.wrap(unknownId, 1, 4).putInt(0x7f001234);
        add("unknown schema id", topic, keyPrefix, unknownId, dlq, "schema id " + 0x7f001234 + " is not in the registry");
        add("truncated", topic, keyPrefix, Arrays.copyOf(valid, valid.length / 2), dlq, "the value ends before a whole " + typeName);
        add("JSON", topic, keyPrefix, "{\"promptId\": \"p-1\", \"responses\": []}".getBytes(StandardCharsets.UTF_8), dlq,
            "first byte 0x7b) is not in the registry wire format");
        add("900 KB", topic, keyPrefix, randomBytes(900 * 1024, (byte) 0x42), dlq, "(921600 bytes, first byte 0x42)");
        add("tombstone", topic, keyPrefix, null, dlq, tombstoneReason);
        add("another topic's schema id", topic, keyPrefix, foreign, dlq, "is the schema of " + foreignType + ", not of " + typeName);
    }

    /** Prompts the generator cannot sample. */
    void promptKinds(String topic, Prompt sample, Serializer<Prompt> serializer) {
        String dlq = TopicDescriptor.deadLetterTopicOf(topic);
        semantic("characters outside the alphabet", topic, "bad/prompt/alphabet", dlq, "is not in the alphabet",
            Prompt.newBuilder(sample).setId("bad/prompt/alphabet").setText(sample.getText() + "\u00e9").build(), serializer);
        semantic("text longer than the context", topic, "bad/prompt/long", dlq, "the policy's context is",
            Prompt.newBuilder(sample).setId("bad/prompt/long").setText(sample.getText().repeat(500)).build(), serializer);
    }

    /** Rollouts the scorer passes on and the advantage stage dead-letters (to the scored topic's DLQ). */
    void rolloutKinds(String topic, String scoredTopic, ResponseGroup sample, Serializer<ResponseGroup> serializer) {
        String dlq = TopicDescriptor.deadLetterTopicOf(scoredTopic);
        rollout("fewer log-probs than tokens", topic, dlq, "behaviour log-probs", sample, serializer, g -> {
            var r = g.getResponses().get(0);
            r.setBehaviourLogProbs(r.getBehaviourLogProbs().subList(0, r.getBehaviourLogProbs().size() - 1));
        });
        rollout("NaN log-prob", topic, dlq, "behaviour log-prob NaN", sample, serializer, g -> {
            var r = g.getResponses().get(0);
            List<Float> lp = new ArrayList<>(r.getBehaviourLogProbs());
            lp.set(0, Float.NaN);
            r.setBehaviourLogProbs(lp);
        });
        rollout("empty response", topic, dlq, "is empty (0 tokens)", sample, serializer, g -> {
            var r = g.getResponses().get(0);
            r.setTokens(List.of());
            r.setBehaviourLogProbs(List.of());
        });
        rollout("token id outside the vocabulary", topic, dlq, "outside the critic's vocabulary", sample, serializer, g -> {
            var r = g.getResponses().get(0);
            List<Integer> tokens = new ArrayList<>(r.getTokens());
            tokens.set(0, 100_000);
            r.setTokens(tokens);
        });
        rollout("response longer than the context", topic, dlq, "the critic's context is", sample, serializer, g -> {
            var r = g.getResponses().get(0);
            r.setTokens(Collections.nCopies(5000, r.getTokens().get(0)));
            r.setBehaviourLogProbs(Collections.nCopies(5000, -0.5f));
        });
    }

    /** Scored groups the advantage stage dead-letters. */
    void scoredKinds(String topic, ScoredGroup sample, Serializer<ScoredGroup> serializer) {
        String dlq = TopicDescriptor.deadLetterTopicOf(topic);
        ScoredGroup fewerScores = copy(sample, "bad/scored/scores");
        fewerScores.setScores(fewerScores.getScores().subList(1, fewerScores.getScores().size()));
        semantic("fewer scores than responses", topic, "bad/scored/scores", dlq, "responses but", fewerScores, serializer);
        ScoredGroup nanReward = copy(sample, "bad/scored/reward");
        nanReward.getScores().get(0).setReward(Double.NaN);
        semantic("NaN reward", topic, "bad/scored/reward", dlq, "reward NaN is not finite", nanReward, serializer);
    }

    /**
     * Advantage groups of the learner's run that it must dead-letter rather than train on. The
     * sample is in wire format 2 (packed arrays); one kind is written in format 1, which readers
     * still take and check.
     */
    void advantageKinds(String topic, String runId, AdvantageGroup sample, Serializer<AdvantageGroup> serializer) {
        String dlq = TopicDescriptor.deadLetterTopicOf(topic);
        advantage("advantages shorter than tokens", topic, runId, 1, dlq, "advantages has", sample, serializer, repacked(a ->
            new ResponseArrays(a.tokens(), a.behaviourLogProbs(), a.values(),
                Arrays.copyOfRange(a.advantages(), 1, a.advantages().length), a.returns())));
        advantage("NaN advantage", topic, runId, 2, dlq, "advantages[0] = NaN is not finite", sample, serializer, repacked(a -> {
            a.advantages()[0] = Float.NaN;
            return a;
        }));
        advantage("infinite value", topic, runId, 3, dlq, "values[0] = Infinity is not finite", sample, serializer, repacked(a -> {
            a.values()[0] = Float.POSITIVE_INFINITY;
            return a;
        }));
        advantage("token id outside the vocabulary", topic, runId, 4, dlq, "is outside the policy's vocabulary", sample,
            serializer, repacked(a -> {
                a.tokens()[0] = -7;
                return a;
            }));
        advantage("response longer than the context", topic, runId, 5, dlq, "the policy's context is", sample, serializer,
            repacked(a -> {
                int n = 5000;
                int[] tokens = new int[n];
                Arrays.fill(tokens, a.tokens()[0]);
                float[] logProbs = new float[n];
                Arrays.fill(logProbs, -0.5f);
                return new ResponseArrays(tokens, logProbs, new float[n], new float[n], new float[n]);
            }));
        advantage("empty response, in wire format 1", topic, runId, 6, dlq, "is empty (0 tokens)", sample, serializer, r -> {
            r.setPacked(null);
            r.setTokens(List.of());
            r.setBehaviourLogProbs(List.of());
            r.setValues(List.of());
            r.setAdvantages(List.of());
            r.setReturns(List.of());
        });
        advantage("packed returns not a whole number of values", topic, runId, 7, dlq,
            "packed.returns: 6 bytes is not a whole number of 4-byte values", sample, serializer,
            r -> r.getPacked().setReturns(ByteBuffer.wrap(new byte[6])));
        advantage("both wire formats filled in", topic, runId, 8, dlq, "has both packed arrays and array fields", sample,
            serializer, r -> r.setValues(List.of(0f)));
    }

    /** A defect made on the unpacked arrays of a format-2 response, packed again. */
    private static Consumer<ResponseAdvantage> repacked(UnaryOperator<ResponseArrays> defect) {
        return r -> r.setPacked(defect.apply(ResponseArrays.of(r)).packed());
    }

    private void rollout(String kind, String topic, String dlq, String reason, ResponseGroup sample,
                         Serializer<ResponseGroup> serializer, Consumer<ResponseGroup> defect) {
        String key = "bad/rollout/" + records.size();
        ResponseGroup g = ResponseGroup.newBuilder(sample).setPromptId(key).build();
        defect.accept(g);
        semantic(kind, topic, key, dlq, reason, g, serializer);
    }

    private void advantage(String kind, String topic, String runId, int index, String dlq, String reason,
                           AdvantageGroup sample, Serializer<AdvantageGroup> serializer,
                           Consumer<ResponseAdvantage> defect) {
        // Keyed as a prompt of the learner's run (index far beyond what it admits), so that the learner takes it.
        String key = runId + "/" + (900_000 + index);
        AdvantageGroup g = AdvantageGroup.newBuilder(sample).setPromptId(key).build();
        defect.accept(g.getResponses().get(0));
        semantic(kind, topic, key, dlq, reason, g, serializer);
    }

    private static ScoredGroup copy(ScoredGroup sample, String key) {
        ScoredGroup g = ScoredGroup.newBuilder(sample).build();
        g.getRollout().setPromptId(key);
        return g;
    }

    private <V extends SpecificRecord> void semantic(String kind, String topic, String key, String dlq, String reason, V value,
                                                     Serializer<V> serializer) {
        records.add(new Bad(kind, topic, key, serializer.serialize(topic, value), dlq, reason));
    }

    private void add(String kind, String topic, String keyPrefix, byte[] value, String dlq, String reason) {
        records.add(new Bad(kind, topic, keyPrefix + "/" + records.size(), value, dlq, reason));
    }

    private byte[] randomBytes(int n, byte first) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        bytes[0] = first;
        return bytes;
    }
}
