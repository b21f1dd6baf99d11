package dev.vapostream.advantage.replay;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.io.AvroFiles;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serde;

/** Where a replay writes its advantage stream: a topic (created if missing) and/or an Avro file. */
final class AdvantageSink implements AutoCloseable {
    private final KafkaProducer<String, AdvantageGroup> producer;
    private final String topic;
    private final AvroFiles.Writer<AdvantageGroup> file;
    private Future<RecordMetadata> lastSend;

    private AdvantageSink(KafkaProducer<String, AdvantageGroup> producer, String topic, AvroFiles.Writer<AdvantageGroup> file) {
        this.producer = producer;
        this.topic = topic;
        this.file = file;
    }

    static AdvantageSink open(ReplayOptions o) {
        KafkaProducer<String, AdvantageGroup> producer = null;
        if (o.outputTopic() != null) {
            TopicDescriptor<AdvantageGroup> out = Topics.ADVANTAGES.withName(o.outputTopic());
            // With the replay's client settings: a secured cluster needs its credentials for the admin client too.
            TopicAdmin.ensure(o.bootstrapServers(), o.kafka(), List.of(out), (short) 1);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.putAll(o.kafka());
            Serde<AdvantageGroup> serde = out.valueSerde(o.serdes());
            producer = new KafkaProducer<>(p, out.keySerde().serializer(), serde.serializer());
        }
        AvroFiles.Writer<AdvantageGroup> file = o.outputFile() == null ? null : AvroFiles.create(o.outputFile(), AdvantageGroup.class);
        return new AdvantageSink(producer, o.outputTopic(), file);
    }

    void accept(String key, AdvantageGroup group) {
        if (producer != null) {
            lastSend = producer.send(new ProducerRecord<>(topic, key, group));
        }
        if (file != null) {
            file.append(group);
        }
    }

    @Override
    public void close() {
        try {
            if (producer != null) {
                producer.flush();
                if (lastSend != null) {
                    lastSend.get();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while flushing the replay output", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("writing the replay output to " + topic + " failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            if (producer != null) {
                producer.close();
            }
            if (file != null) {
                file.close();
            }
        }
    }
}
