package dev.vapostream.generator.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.vapostream.generator.ResponseGroups;
import dev.vapostream.generator.sampling.GroupResult;
import dev.vapostream.generator.sampling.PreparedPrompt;
import dev.vapostream.generator.sampling.UnsampleablePromptException;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.dlq.DeadLetterPublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Everything one batch writes into the open transaction: a group per sampled prompt, a dead letter
 * (the prompt's original bytes) per prompt that could not be read, prepared or sampled.
 */
public final class BatchSink {
    private final PromptBatch batch;
    private final Producer<byte[], byte[]> producer;
    private final DeadLetterPublisher deadLetters;
    private final Serializer<ResponseGroup> serializer;
    private final String rolloutsTopic;
    private final Map<PreparedPrompt, ConsumerRecord<byte[], byte[]>> sources = new IdentityHashMap<>();
    private int groups;
    private long tokens;
    private int deadLettered;

    public BatchSink(PromptBatch batch, Producer<byte[], byte[]> producer, DeadLetterPublisher deadLetters,
                     Serializer<ResponseGroup> serializer, String rolloutsTopic) {
        this.batch = batch;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.serializer = serializer;
        this.rolloutsTopic = rolloutsTopic;
    }

    /** The batch's prompts that can be sampled; the others are dead-lettered. */
    public List<PreparedPrompt> prepare(org.apache.kafka.common.serialization.Deserializer<Prompt> deserializer,
                                        Function<Prompt, PreparedPrompt> preparer) {
        List<PreparedPrompt> prepared = new ArrayList<>(batch.size());
        for (ConsumerRecord<byte[], byte[]> record : batch.records()) {
            Prompt prompt;
            try {
                prompt = deserializer.deserialize(record.topic(), record.headers(), record.value());
                if (prompt == null) {
                    throw new SerializationException("prompt record has no value");
                }
            } catch (RuntimeException e) {
                deadLetter(record, e);
                continue;
            }
            try {
                PreparedPrompt p = preparer.apply(prompt);
                sources.put(p, record);
                prepared.add(p);
            } catch (UnsampleablePromptException e) {
                deadLetter(record, e);
            }
        }
        return prepared;
    }

    /** Writes a sampled group keyed by its prompt id, or dead-letters the prompt it failed for. */
    public void send(GroupResult result, ResponseGroups.Provenance provenance, CharTokenizer tokenizer) {
        ConsumerRecord<byte[], byte[]> source = sources.get(result.prompt());
        if (result instanceof GroupResult.Failed failed) {
            deadLetter(source, failed.error());
            return;
        }
        var sampled = ((GroupResult.Sampled) result).group();
        ResponseGroup group = ResponseGroups.build(sampled, provenance, tokenizer, Instant.now());
        byte[] value;
        try {
            value = serializer.serialize(rolloutsTopic, group);
        } catch (RuntimeException e) {
            // As the Streams stages do: output that cannot be serialized dead-letters its source.
            deadLetter(source, new SerializationException("response group cannot be serialized", e));
            return;
        }
        producer.send(new ProducerRecord<>(rolloutsTopic, group.getPromptId().getBytes(StandardCharsets.UTF_8), value));
        groups++;
        tokens += sampled.tokenCount();
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, Throwable error) {
        deadLetters.publish(record, error);
        deadLettered++;
    }

    public int groups() {
        return groups;
    }

    public long tokens() {
        return tokens;
    }

    public int deadLetters() {
        return deadLettered;
    }
}
