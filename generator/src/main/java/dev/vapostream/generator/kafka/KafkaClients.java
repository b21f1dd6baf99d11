package dev.vapostream.generator.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

import dev.vapostream.generator.GeneratorConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The worker's Kafka clients. Pass-through {@code kafka.*} settings are applied first (only those
 * the client knows, so a producer setting does not warn in a consumer); the settings the
 * exactly-once contract depends on are applied last and cannot be overridden.
 */
public final class KafkaClients {
    private KafkaClients() {
    }

    /** Transactional producer of raw bytes: groups are serialized by the worker, dead letters are raw. */
    public static KafkaProducer<byte[], byte[]> producer(GeneratorConfig config) {
        Properties p = passthrough(config, ProducerConfig.configNames());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.workerId() + "-producer");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * The prompts consumer: one group for all workers, offsets committed only through the
     * producer's transaction, at most {@code max.groups.in.flight} prompts per poll.
     */
    public static KafkaConsumer<byte[], byte[]> promptsConsumer(GeneratorConfig config) {
        Properties p = passthrough(config, ConsumerConfig.configNames());
        p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.workerId() + "-prompts");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxGroupsInFlight());
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The weights consumer: no group (every worker reads every version), from the beginning of the compacted log. */
    public static KafkaConsumer<String, byte[]> weightsConsumer(GeneratorConfig config) {
        Properties p = passthrough(config, ConsumerConfig.configNames());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.workerId() + "-weights");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A weight version is hundreds of KB; the default 1 MB per fetch would take one version per poll.
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        p.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static Properties passthrough(GeneratorConfig config, Set<String> known) {
        Properties p = new Properties();
        for (Map.Entry<String, String> e : config.kafka().entrySet()) {
            if (known.contains(e.getKey())) {
                p.put(e.getKey(), e.getValue());
            }
        }
        return p;
    }
}
