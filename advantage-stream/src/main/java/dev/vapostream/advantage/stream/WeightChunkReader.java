package dev.vapostream.advantage.stream;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.vapostream.schemas.avro.WeightChunk;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes weight chunks from the global store's raw bytes. The store keeps bytes because Kafka
 * Streams cannot dead-letter a record of a global topic: a chunk that failed to deserialize there
 * would stop the global thread, and with it the stage. Here an unreadable chunk counts as missing
 * (its version is incomplete, so the critic held stays in use) and is logged once, with its key
 * and the reason.
 */
final class WeightChunkReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WeightChunkReader.class);

    private final String topic;
    private final Deserializer<WeightChunk> deserializer;
    /** The bytes last found unreadable at each key, so that each bad chunk is reported once. */
    private final Map<String, byte[]> reported = new HashMap<>();

    WeightChunkReader(String topic, Deserializer<WeightChunk> deserializer) {
        this.topic = topic;
        this.deserializer = deserializer;
    }

    /** The chunk in {@code bytes} (null: none stored at {@code key}), or null when it cannot be read. */
    WeightChunk read(String key, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return deserializer.deserialize(topic, bytes);
        } catch (RuntimeException e) {
            if (!Arrays.equals(reported.put(key, bytes), bytes)) {
                AdvantageMetrics.criticRefused();
                LOG.error("weight chunk {} on {} cannot be read and counts as missing, so its version stays incomplete: {}",
                    key, topic, e.getMessage());
            }
            return null;
        }
    }

    @Override
    public void close() {
        deserializer.close();
    }
}
