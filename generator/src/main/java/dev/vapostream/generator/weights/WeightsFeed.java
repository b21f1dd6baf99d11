package dev.vapostream.generator.weights;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.WeightChunk;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the weights topic from its beginning into {@link PolicyVersions}. Only records keyed
 * {@code <model>/<index>} are deserialized, so other models' (possibly large) chunks cost nothing.
 * A chunk that cannot be read is logged and skipped: it is not this worker's to dead-letter (every
 * worker reads it), and the version it belongs to will then never be complete, i.e. refused.
 */
public final class WeightsFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WeightsFeed.class);

    private final Consumer<String, byte[]> consumer;
    private final Deserializer<WeightChunk> deserializer;
    private final String keyPrefix;
    private boolean outOfReach;

    public WeightsFeed(Consumer<String, byte[]> consumer, Deserializer<WeightChunk> deserializer, String topic,
                       String modelName, Duration metadataTimeout) {
        this.consumer = consumer;
        this.deserializer = deserializer;
        String firstKey = Topics.weightChunkKey(modelName, 0);
        this.keyPrefix = firstKey.substring(0, firstKey.length() - 1);
        try {
            var partitions = consumer.partitionsFor(topic, metadataTimeout);
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("weights topic '" + topic + "' does not exist (create it, or run with topics.create=true)");
            }
            List<TopicPartition> all = partitions.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
        } catch (RuntimeException e) {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            throw e;
        }
    }

    /** Feeds whatever arrives within {@code timeout} to {@code versions}; returns the number of chunks offered. */
    public int poll(Duration timeout, PolicyVersions versions) {
        int offered = 0;
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (record.key() == null || !record.key().startsWith(keyPrefix) || record.value() == null) {
                continue;
            }
            try {
                versions.offer(deserializer.deserialize(record.topic(), record.headers(), record.value()));
                offered++;
            } catch (RuntimeException e) {
                LOG.error("weight chunk {} at {}-{}@{} cannot be read, skipped: {}", record.key(), record.topic(),
                    record.partition(), record.offset(), e.toString());
                versions.unreadable(record.key(), e.getMessage());
            }
        }
        return offered;
    }

    /**
     * Reads everything published up to now (the end offsets when called), or until {@code maxWait}
     * passes. A busy worker calls this between batches: one plain poll returns at most one fetch
     * (about one weight version), so while the learner publishes faster than the worker samples,
     * polling once per batch falls further and further behind. While the broker is out of reach it
     * returns what it read so far, and the policy held stays.
     */
    public int catchUp(Duration maxWait, PolicyVersions versions) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        int offered = 0;
        try {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), maxWait);
            while (behind(end, maxWait) && System.nanoTime() < deadline) {
                offered += poll(Duration.ofMillis(50), versions);
            }
            if (outOfReach) {
                outOfReach = false;
                LOG.info("weights topic reachable again; caught up with {} chunks", offered);
            }
        } catch (TimeoutException e) {
            // The broker is away (a restart, a network cut): keep sampling with the policy held and ask again next batch.
            if (!outOfReach) {
                outOfReach = true;
                LOG.warn("weights topic out of reach, keeping the policy held until it answers again: {}", e.toString());
            }
        }
        return offered;
    }

    private boolean behind(Map<TopicPartition, Long> end, Duration maxWait) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), maxWait) < e.getValue()) {
                return true;
            }
        }
        return false;
    }

    /** Makes a blocked {@link #poll} return (thread-safe). */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        deserializer.close();
    }
}
