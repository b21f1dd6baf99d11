package dev.vapostream.learner;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import dev.vapostream.model.weights.WeightCodec;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.weights.WeightChunks;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes weight versions to {@code vapo.weights} as SHA-256-checked chunks, waiting until all are
 * acknowledged. Every chunk carries when this publisher started, so that followers can tell a
 * restarted learner's republished checkpoint version from an older version that came back.
 */
final class WeightPublisher implements AutoCloseable {
    private final KafkaProducer<String, WeightChunk> producer;
    private final String topic;
    private final Instant startedAt = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

    WeightPublisher(LearnerConfig config) {
        this.producer = LearnerClients.producer(config, Topics.WEIGHTS,
            Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.WEIGHT_CHUNK_BYTES + 64 * 1024));
        this.topic = config.weightsTopic();
    }

    void publish(String modelName, ModelRole role, long version, byte[] payload, Map<String, String> architecture) {
        Future<RecordMetadata> last = null;
        for (WeightChunk chunk : WeightChunks.split(new WeightChunks.Header(modelName, role, version, WeightCodec.FORMAT,
            architecture, startedAt), payload, Topics.WEIGHT_CHUNK_BYTES, Instant.now())) {
            last = producer.send(new ProducerRecord<>(topic, WeightChunks.key(chunk), chunk));
        }
        producer.flush();
        try {
            last.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + modelName + " v" + version, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing " + modelName + " v" + version + " to " + topic + " failed: "
                + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
