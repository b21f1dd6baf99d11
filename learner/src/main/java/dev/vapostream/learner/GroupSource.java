package dev.vapostream.learner;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads advantage groups (read_committed) and hands out training batches of P groups. The
 * learner owns its offsets: they go into the checkpoint, never to a consumer group, so a restart
 * resumes exactly after the last trained batch. Groups of other runs are skipped; stale groups
 * are marked (or dropped); groups valued by too old a critic are refused; with dynamic sampling
 * groups whose rewards are all equal are filtered out; every group consumed frees one admission slot.
 * Records that cannot be decoded or fail {@link AdvantageGroupCheck} are dead-lettered and
 * skipped (their dead letter frees the slot), so one bad record cannot stop training.
 */
final class GroupSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupSource.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final LearnerConfig config;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Serde<AdvantageGroup> serde;
    private final Deserializer<AdvantageGroup> deserializer;
    private final AdvantageGroupCheck check;
    private final DeadLetters deadLetters;
    private final Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Counts counts = new Counts();
    /** Groups of this run taken off the topic by this instance (for a fixed draw per batch). */
    private long drawn;

    /** Running totals, cumulative over the run (restored from the checkpoint). */
    static final class Counts {
        long consumed;
        long dropped;
        long corrected;
        long filtered;
        long criticStale;
        long foreign;
    }

    /** A batch: its groups, and which of them are stale and to be corrected. */
    record Batch(List<AdvantageGroup> groups, boolean[] stale) {
    }

    /**
     * {@code offsets}: where to resume per partition; null starts at the topic's current end.
     * {@code check} refuses groups the policy cannot train on; they and undecodable records go to
     * {@code deadLetters}.
     */
    GroupSource(LearnerConfig config, Map<Integer, Long> offsets, AdvantageGroupCheck check, DeadLetters deadLetters) {
        this.config = config;
        this.check = check;
        this.deadLetters = deadLetters;
        this.serde = Topics.ADVANTAGES.valueSerde(config.serdes());
        this.deserializer = serde.deserializer();
        // Raw bytes: a record that cannot be decoded is dead-lettered here instead of failing poll().
        this.consumer = LearnerClients.consumer(config, "vapo-learner-" + config.runId() + "-" + UUID.randomUUID(),
            new ByteArrayDeserializer(), new ByteArrayDeserializer(), Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 64));
        for (PartitionInfo info : consumer.partitionsFor(config.advantagesTopic(), Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(config.advantagesTopic(), info.partition()));
        }
        if (partitions.isEmpty()) {
            consumer.close();
            serde.close();
            throw new IllegalStateException("the advantages topic " + config.advantagesTopic() + " does not exist;"
                + " create it or run the learner with topics.create=true");
        }
        consumer.assign(partitions);
        if (offsets == null) {
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        } else {
            for (TopicPartition tp : partitions) {
                Long offset = offsets.get(tp.partition());
                if (offset == null) {
                    throw new IllegalStateException("checkpoint has no offset for " + tp + ": was the topic repartitioned?");
                }
                consumer.seek(tp, offset);
            }
        }
    }

    Counts counts() {
        return counts;
    }

    void restoreCounts(long consumed, long dropped, long corrected, long filtered, long criticStale) {
        counts.consumed = consumed;
        counts.dropped = dropped;
        counts.corrected = corrected;
        counts.filtered = filtered;
        counts.criticStale = criticStale;
    }

    /**
     * Blocks until {@code size} usable groups are there, calling {@code whileWaiting} between
     * polls (admission top-ups), or returns null if {@code stop} turns true first. With dynamic
     * sampling and no refill, a batch is what is left of {@code size} groups drawn (more are drawn
     * only if none is left).
     */
    Batch next(int size, long policyVersion, long criticVersion, Runnable whileWaiting,
               java.util.function.BooleanSupplier stop) {
        List<AdvantageGroup> groups = new ArrayList<>(size);
        List<Boolean> stale = new ArrayList<>(size);
        long drawnBefore = drawn;
        boolean fixedDraw = config.algorithm().dynamicSampling() && !config.refillDynamicSampling();
        while (needsMore(fixedDraw, drawn - drawnBefore, groups.size(), size)) {
            if (pending.isEmpty()) {
                if (stop.getAsBoolean()) {
                    return null;
                }
                whileWaiting.run();
                consumer.poll(POLL).forEach(pending::add);
                continue;
            }
            // The checkpoint taken after this batch is trained records offsets past it (resumeOffsets).
            AdvantageGroup group = decodeAndCheck(pending.removeFirst());
            if (group != null) {
                take(group, policyVersion, criticVersion, groups, stale);
            }
        }
        boolean[] flags = new boolean[stale.size()];
        for (int i = 0; i < flags.length; i++) {
            flags[i] = stale.get(i);
        }
        return new Batch(groups, flags);
    }

    /**
     * Whether a batch of {@code size} must take another group: a fixed draw stops once {@code size}
     * groups of this run were drawn, whatever was filtered (unless nothing usable is left); otherwise
     * it stops at {@code size} usable groups.
     */
    static boolean needsMore(boolean fixedDraw, long drawnForBatch, int usable, int size) {
        return fixedDraw ? drawnForBatch < size || usable == 0 : usable < size;
    }

    /**
     * The record's group, or null when it is another run's (by its key) and cannot be decoded, or
     * when it was dead-lettered: undecodable, a tombstone, or failing the check. Another run's
     * decodable groups are left to {@link #take} to count as foreign.
     */
    private AdvantageGroup decodeAndCheck(ConsumerRecord<byte[], byte[]> record) {
        AdvantageGroup group;
        try {
            group = deserializer.deserialize(record.topic(), record.headers(), record.value());
            if (group == null) {
                throw new IllegalArgumentException("value is null (a tombstone); " + record.topic()
                    + " carries one advantage group per record");
            }
        } catch (RuntimeException e) {
            if (isOfAnotherRun(record.key())) {
                // That run's learner dead-letters it; a second dead letter from here would count it twice.
                counts.foreign++;
                LOG.warn("{}: undecodable record {}-{}@{} of another run skipped: {}", config.runId(), record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            } else {
                deadLetters.publish(record, e);
            }
            return null;
        }
        if (PromptAdmission.indexOf(config.runId(), group.getPromptId()) < 0) {
            return group;
        }
        try {
            check.validate(group);
            return group;
        } catch (AdvantageGroupCheck.InvalidAdvantageGroupException e) {
            deadLetters.publish(record, e);
            return null;
        }
    }

    private boolean isOfAnotherRun(byte[] key) {
        return key != null && PromptAdmission.indexOf(config.runId(), new String(key, StandardCharsets.UTF_8)) < 0;
    }

    /**
     * Classifies one group: skipped (another run's), dropped (too old a policy, in drop mode),
     * refused (valued by a critic more than max.critic.lag versions old), filtered (dynamic
     * sampling), or added to the batch.
     */
    private void take(AdvantageGroup group, long policyVersion, long criticVersion, List<AdvantageGroup> groups,
                      List<Boolean> stale) {
        if (PromptAdmission.indexOf(config.runId(), group.getPromptId()) < 0) {
            counts.foreign++;
            return;
        }
        counts.consumed++;
        drawn++;
        long lag = policyVersion - group.getPolicyVersion();
        boolean tooOld = lag > config.maxStaleness();
        if (tooOld && config.stalenessMode() == LearnerConfig.StalenessMode.DROP) {
            counts.dropped++;
            return;
        }
        if (group.getCriticVersion() != null && criticVersion - group.getCriticVersion() > config.maxCriticLag()) {
            counts.criticStale++;
            return;
        }
        if (config.algorithm().dynamicSampling() && allRewardsEqual(group)) {
            counts.filtered++;
            return;
        }
        if (tooOld) {
            counts.corrected++;
        }
        groups.add(group);
        stale.add(tooOld);
    }

    private static boolean allRewardsEqual(AdvantageGroup group) {
        double first = group.getResponses().get(0).getReward();
        for (ResponseAdvantage r : group.getResponses()) {
            if (r.getReward() != first) {
                return false;
            }
        }
        return true;
    }

    /** Where to resume after everything handed out so far: the next record not yet taken, per partition. */
    Map<Integer, Long> resumeOffsets() {
        Map<Integer, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            offsets.put(tp.partition(), consumer.position(tp));
        }
        for (ConsumerRecord<byte[], byte[]> r : pending) {
            offsets.merge(r.partition(), r.offset(), Math::min);
        }
        return offsets;
    }

    @Override
    public void close() {
        consumer.close();
        serde.close();
    }
}
