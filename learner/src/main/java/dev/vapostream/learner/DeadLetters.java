package dev.vapostream.learner;

import java.util.Properties;
import java.util.concurrent.ExecutionException;

import dev.vapostream.schemas.dlq.DeadLetterPublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The learner's dead letters, to the source topic's {@code .dlq}. Each is acknowledged before the
 * learner moves past its record, so a record is never skipped without its dead letter; a learner
 * killed after the dead letter but before its next checkpoint writes it once more on resume.
 */
final class DeadLetters implements AutoCloseable {
    static final String STAGE = "learner";

    private final KafkaProducer<byte[], byte[]> producer;
    private final DeadLetterPublisher publisher;

    DeadLetters(LearnerConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.putAll(config.kafka());
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.publisher = new DeadLetterPublisher(STAGE, producer);
    }

    /** Writes {@code record} with {@code error} as the reason, and waits for the broker's acknowledgement. */
    void publish(ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
        try {
            publisher.publish(record, error).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering " + where(record), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot dead-letter " + where(record) + " (the learner stops rather than skip"
                + " it without a trace): " + e.getCause(), e.getCause());
        }
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    @Override
    public void close() {
        producer.close();
    }
}
