package dev.vapostream.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import dev.vapostream.schemas.io.AvroFiles;
import dev.vapostream.schemas.io.BoundedTopicReader;
import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.SettingsSpec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * {@code vapo export} and {@code vapo import}: a topic's records to an Avro container file and
 * back, so recorded trajectories can be shared and replayed on another cluster.
 *
 * <pre>
 * vapo export --bootstrap-servers B --registry-url R --topic vapo.scored --file run.avro [--type scored]
 * vapo import --bootstrap-servers B --registry-url R --file run.avro --topic vapo.scored [--type scored]
 * </pre>
 * {@code --type} (prompts, rollouts, scored, advantages, weights, metrics) may be left out when the
 * topic has its standard name.
 */
final class RecordFilesCommand {
    private static final Map<String, TopicDescriptor<?>> TYPES = Map.of(
        "prompts", Topics.PROMPTS, "rollouts", Topics.ROLLOUTS, "scored", Topics.SCORED,
        "advantages", Topics.ADVANTAGES, "weights", Topics.WEIGHTS, "metrics", Topics.METRICS);

    static final Setting<String> BOOTSTRAP_SERVERS = Setting.required("bootstrap.servers", "the cluster");
    static final Setting<String> REGISTRY_URL = Setting.required("registry.url", "the schema registry");
    static final Setting<String> TOPIC = Setting.required("topic", "the topic read or written");
    static final Setting<String> FILE = Setting.required("file", "the Avro container file");
    static final Setting<String> TYPE = Setting.optionalText("type",
        "prompts | rollouts | scored | advantages | weights | metrics; not needed for a topic of standard name");

    static final SettingsSpec SPEC = SettingsSpec.of("vapo export/import", List.of(BOOTSTRAP_SERVERS, REGISTRY_URL, TOPIC,
        FILE, TYPE), List.of(ClientSettings.PREFIX, SerdeSettings.PREFIX));

    private RecordFilesCommand() {
    }

    static int export(Properties p) {
        TopicDescriptor<?> topic = descriptor(p);
        long n = exportTopic(p, topic, Path.of(required(p, "file")));
        System.out.printf("exported %d records of %s to %s%n", n, topic.name(), p.getProperty("file"));
        return 0;
    }

    static int importFile(Properties p) throws Exception {
        TopicDescriptor<?> topic = descriptor(p);
        long n = importInto(p, topic, Path.of(required(p, "file")));
        System.out.printf("imported %d records into %s%n", n, topic.name());
        return 0;
    }

    /**
     * Every decodable record of the topic into {@code file}; tombstones and records that cannot be
     * decoded are skipped and listed on stderr with the reason, and counted.
     */
    private static <V extends SpecificRecord> long exportTopic(Properties p, TopicDescriptor<V> topic, Path file) {
        Serde<V> serde = topic.valueSerde(serdes(p));
        long[] tombstones = {0};
        long[] undecodable = {0};
        try (AvroFiles.Writer<V> out = AvroFiles.create(file, topic.valueType())) {
            long read = BoundedTopicReader.read(required(p, "bootstrap.servers"), ClientSettings.from(p), topic.name(),
                BoundedTopicReader.Start.beginning(), null, serde.deserializer(), r -> {
                    if (r.value() == null) {
                        tombstones[0]++;
                        System.err.printf("skipped %s-%d@%d: a tombstone (no value)%n", r.topic(), r.partition(), r.offset());
                    } else {
                        out.append(r.value());
                    }
                },
                raw -> {
                    undecodable[0]++;
                    System.err.printf("skipped %s-%d@%d: %s%n", raw.topic(), raw.partition(), raw.offset(),
                        whyUndecodable(serde, raw.topic(), raw.value()));
                });
            if (tombstones[0] + undecodable[0] > 0) {
                System.err.printf("%d records skipped (listed above)%n", tombstones[0] + undecodable[0]);
            }
            return read - tombstones[0];
        }
    }

    /** The deserializer's own reason for refusing {@code value}. */
    private static String whyUndecodable(Serde<?> serde, String topic, byte[] value) {
        try {
            serde.deserializer().deserialize(topic, value);
            return "undecodable";
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }

    private static <V extends SpecificRecord> long importInto(Properties p, TopicDescriptor<V> topic, Path file)
        throws InterruptedException, ExecutionException {
        String bootstrap = required(p, "bootstrap.servers");
        TopicAdmin.ensure(bootstrap, ClientSettings.from(p), List.of(topic), (short) 1);
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.putAll(ClientSettings.from(p));
        Serde<V> serde = topic.valueSerde(serdes(p));
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProps, topic.keySerde().serializer(), serde.serializer())) {
            List<Exception> refused = Collections.synchronizedList(new ArrayList<>());
            long n = AvroFiles.read(file, topic.valueType(),
                v -> producer.send(new ProducerRecord<>(topic.name(), RecordKeys.of(v), v), (written, error) -> {
                    if (error != null) {
                        refused.add(error);
                    }
                }));
            producer.flush();
            if (!refused.isEmpty()) {
                throw new IllegalStateException(refused.size() + " of " + n + " records from " + file + " were not written to "
                    + topic.name() + "; the first error: " + refused.get(0).getMessage(), refused.get(0));
            }
            return n;
        }
    }

    private static TopicDescriptor<?> descriptor(Properties p) {
        String name = required(p, "topic");
        String type = p.getProperty("type");
        if (type == null) {
            return Topics.ALL.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new UsageException("--type is needed for topic " + name + "; one of " + TYPES.keySet()));
        }
        TopicDescriptor<?> known = TYPES.get(type);
        if (known == null) {
            throw new UsageException("--type must be one of " + TYPES.keySet() + ", got " + type);
        }
        return known.withName(name);
    }

    private static SerdeSettings serdes(Properties p) {
        return SerdeSettings.fromProperties(required(p, "registry.url"), p);
    }

    private static String required(Properties p, String key) {
        return SPEC.read(p).get(SPEC.setting(key)).toString();
    }
}
