package dev.vapostream.schemas;

import java.util.Map;
import java.util.Objects;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A topic of the pipeline: its name, key, value type and how it is created. Every stage takes
 * its topics from these descriptors (see {@link Topics}); {@link #withName} gives a renamed copy
 * for tests or for running several pipelines on one cluster.
 *
 * @param name         topic name
 * @param keyMeaning   what the String key holds, for documentation and error messages
 * @param valueType    the Avro class of the value
 * @param partitions   partitions when vapo creates the topic
 * @param topicConfigs topic-level settings when vapo creates the topic
 */
public record TopicDescriptor<V extends SpecificRecord>(
    String name, String keyMeaning, Class<V> valueType, int partitions, Map<String, String> topicConfigs) {

    public static final String DLQ_SUFFIX = ".dlq";

    public TopicDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueType, "valueType");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        topicConfigs = Map.copyOf(topicConfigs);
    }

    /** The same topic under another name. */
    public TopicDescriptor<V> withName(String newName) {
        return new TopicDescriptor<>(newName, keyMeaning, valueType, partitions, topicConfigs);
    }

    /** The dead-letter topic of this topic. */
    public String deadLetterTopic() {
        return deadLetterTopicOf(name);
    }

    public static String deadLetterTopicOf(String topic) {
        return topic + DLQ_SUFFIX;
    }

    /** Keys are UTF-8 strings on every topic. */
    public Serde<String> keySerde() {
        return Serdes.String();
    }

    /** The value serde for this topic's Avro type, configured from {@code settings}. */
    public Serde<V> valueSerde(SerdeSettings settings) {
        return settings.valueSerde(valueType);
    }
}
