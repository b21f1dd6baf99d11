package dev.vapostream.learner;

import java.util.Map;
import java.util.Properties;

import dev.vapostream.schemas.TopicDescriptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The learner's Kafka clients, set up in one place: the cluster; every producer with acks=all and
 * idempotence; every consumer read_committed, without auto-commit (the learner keeps its offsets in
 * its checkpoints) and without creating topics; then what the caller adds; then {@code kafka.*} as
 * the operator gave it, which wins.
 */
final class LearnerClients {
    private LearnerClients() {
    }

    static <V extends org.apache.avro.specific.SpecificRecord> KafkaProducer<String, V> producer(LearnerConfig config, TopicDescriptor<V> topic, Map<String, Object> extra) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.putAll(extra);
        p.putAll(config.kafka());
        return new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde(config.serdes()).serializer());
    }

    static <K, V> KafkaConsumer<K, V> consumer(LearnerConfig config, String groupId, Deserializer<K> keys,
                                               Deserializer<V> values, Map<String, Object> extra) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.putAll(extra);
        p.putAll(config.kafka());
        return new KafkaConsumer<>(p, keys, values);
    }
}
