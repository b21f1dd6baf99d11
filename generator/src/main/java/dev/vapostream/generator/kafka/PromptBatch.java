package dev.vapostream.generator.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The prompts of one poll: sampled together, committed (or rewound) together. */
public final class PromptBatch {
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final Map<TopicPartition, Long> first = new HashMap<>();
    private final Map<TopicPartition, Long> last = new HashMap<>();

    public PromptBatch(ConsumerRecords<byte[], byte[]> polled) {
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            records.add(record);
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            first.merge(partition, record.offset(), Math::min);
            last.merge(partition, record.offset(), Math::max);
        }
    }

    public List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    /** The offsets to commit with the batch's transaction: one past the last record of each partition. */
    public Map<TopicPartition, OffsetAndMetadata> nextOffsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        last.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset + 1)));
        return offsets;
    }

    /**
     * After an aborted transaction: moves the consumer back to the batch's first records so the
     * next poll returns them again. Partitions revoked meanwhile are left alone: their new owner
     * starts from the last committed offset anyway.
     */
    public void rewind(Consumer<?, ?> consumer) {
        first.forEach((partition, offset) -> {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }
}
