package dev.vapostream.schemas.dlq;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Future;

/**
 * Dead-letters records for stages built on plain consumers (generator, learner). Give it the
 * stage's transactional producer to have the dead letter committed with the consumed offset.
 */
public final class DeadLetterPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);
    private final String stage;
    private final Producer<byte[], byte[]> producer;

    public DeadLetterPublisher(String stage, Producer<byte[], byte[]> producer) {
        this.stage = stage;
        this.producer = producer;
    }

    /** Sends {@code record}, read raw, to its topic's DLQ with {@code error} as the reason. */
    public Future<RecordMetadata> publish(ConsumerRecord<byte[], byte[]> record, Throwable error) {
        LOG.warn("{}: record {}-{}@{} sent to the DLQ: {}", stage, record.topic(), record.partition(),
            record.offset(), DeadLetter.describe(error));
        return producer.send(DeadLetter.of(stage,
            new DeadLetter.Source(record.topic(), record.partition(), record.offset()),
            record.key(), record.value(), record.headers(), error));
    }
}
