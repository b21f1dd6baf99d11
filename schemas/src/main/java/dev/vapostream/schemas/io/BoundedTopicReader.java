package dev.vapostream.schemas.io;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic's committed records from a start point up to the end offsets it had when the read
 * began, without joining a consumer group (a replay must not move any stage's offsets).
 */
public final class BoundedTopicReader {

    /** Where to start: the beginning, an offset (on every partition), or a time. */
    public record Start(Long offset, Instant time) {
        public static Start beginning() {
            return new Start(null, null);
        }
    }

    private BoundedTopicReader() {
    }

    /**
     * Calls {@code sink} for each record with timestamp before {@code until} (null: no limit). A
     * value that cannot be deserialized is reported to {@code undecodable} and skipped.
     */
    public static <V> long read(String bootstrapServers, Map<String, String> clientSettings, String topic, Start start,
                                Instant until, Deserializer<V> values, Consumer<ConsumerRecord<String, V>> sink,
                                Consumer<ConsumerRecord<String, byte[]>> undecodable) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "vapo-replay-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putAll(clientSettings);
        long count = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            seek(consumer, partitions, start);
            Map<TopicPartition, Long> remaining = new HashMap<>(end);
            while (!remaining.isEmpty()) {
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                if (remaining.isEmpty()) {
                    break;
                }
                for (ConsumerRecord<String, byte[]> raw : consumer.poll(Duration.ofMillis(500))) {
                    if (raw.offset() >= end.get(new TopicPartition(raw.topic(), raw.partition()))) {
                        continue;
                    }
                    if (until != null && raw.timestamp() >= until.toEpochMilli()) {
                        continue;
                    }
                    V value;
                    try {
                        value = values.deserialize(raw.topic(), raw.headers(), raw.value());
                    } catch (RuntimeException e) {
                        undecodable.accept(raw);
                        continue;
                    }
                    sink.accept(new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(),
                        raw.timestampType(), raw.serializedKeySize(), raw.serializedValueSize(), raw.key(), value, raw.headers(),
                        raw.leaderEpoch()));
                    count++;
                }
            }
        }
        return count;
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " does not exist");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        return partitions;
    }

    private static void seek(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Start start) {
        if (start.time() != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, start.time().toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp at = found.get(tp);
                consumer.seek(tp, at == null ? ends.get(tp) : at.offset());
            }
        } else if (start.offset() != null) {
            partitions.forEach(tp -> consumer.seek(tp, start.offset()));
        } else {
            consumer.seekToBeginning(partitions);
        }
    }
}
