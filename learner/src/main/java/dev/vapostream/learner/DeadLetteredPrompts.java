package dev.vapostream.learner;

import java.time.Duration;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This run's prompts that a stage sent to a dead-letter topic: their groups will never reach the
 * learner, so each frees its admission slot (otherwise enough bad records would stall admission
 * for good). Dead letters keep the original key, the prompt id, so the watch reads the keys of
 * the configured dead-letter topics from the beginning (read_committed) and counts this run's
 * distinct prompt ids; a resumed learner finds them all again, so nothing is checkpointed.
 * Topics that do not exist yet are picked up when a stage creates them.
 */
final class DeadLetteredPrompts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetteredPrompts.class);

    private final String runId;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<String> promptIds = new HashSet<>();

    DeadLetteredPrompts(LearnerConfig config) {
        this.runId = config.runId();
        this.consumer = LearnerClients.consumer(config, "vapo-learner-dlq-" + config.runId() + "-" + UUID.randomUUID(),
            new StringDeserializer(), new ByteArrayDeserializer(), Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // A dead-letter topic created after the learner started is noticed within this time.
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000));
        consumer.subscribe(config.deadLetterTopics());
    }

    /**
     * Reads whatever has arrived, without waiting; returns how many prompts this run admitted (of
     * the first {@code admitted}) are dead-lettered. A key that only looks like one of this run's
     * prompts (an index not admitted yet) frees nothing.
     */
    long count(long admitted) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ZERO)) {
            String promptId = r.key();
            long index = promptId == null ? -1 : PromptAdmission.indexOf(runId, promptId);
            if (index >= admitted) {
                LOG.warn("{}: {} on {} (offset {}) names a prompt this run has not admitted; it frees no admission slot",
                    runId, promptId, r.topic(), r.offset());
            } else if (index >= 0 && promptIds.add(promptId)) {
                LOG.warn("{}: prompt {} was dead-lettered on {} (offset {}); its admission slot is freed. "
                    + "The record's headers say which stage and why.", runId, promptId, r.topic(), r.offset());
            }
        }
        return promptIds.size();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
