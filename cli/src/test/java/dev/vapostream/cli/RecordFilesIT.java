package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.vapostream.schemas.io.AvroFiles;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.Prompt;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SharedCluster.class)
class RecordFilesIT {

    @Test
    void aTopicExportedToAFileAndImportedElsewhereHoldsTheSameRecords(ClusterEndpoints cluster, @TempDir Path dir)
        throws Exception {
        // Given 25 prompts on a topic
        TopicDescriptor<Prompt> source = Topics.PROMPTS.withName(TestTopics.unique("files.source"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(source), (short) 1);
        }
        List<Prompt> prompts = new ArrayList<>();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (KafkaProducer<String, Prompt> producer = new KafkaProducer<>(pp, source.keySerde().serializer(),
            source.valueSerde(SerdeSettings.apicurio(cluster.registryBaseUrl())).serializer())) {
            for (int i = 0; i < 25; i++) {
                Prompt p = Prompt.newBuilder().setId("p" + i).setText("S " + i).setAnswer(Integer.toString(i))
                    .setAdmittedAtMs(Instant.ofEpochMilli(1000L * i)).setAdmittedAtVersion(0).build();
                prompts.add(p);
                producer.send(new ProducerRecord<>(source.name(), p.getId(), p));
            }
        }

        // When it is exported, imported into another topic, and that one exported again
        String target = TestTopics.unique("files.target");
        Path first = dir.resolve("first.avro");
        Path second = dir.resolve("second.avro");
        String[] common = {"--bootstrap-servers", cluster.bootstrapServers(), "--registry-url", cluster.registryBaseUrl(),
            "--type", "prompts"};
        assertEquals(0, Vapo.run(args(common, "export", "--topic", source.name(), "--file", first.toString())));
        assertEquals(0, Vapo.run(args(common, "import", "--file", first.toString(), "--topic", target)));
        assertEquals(0, Vapo.run(args(common, "export", "--topic", target, "--file", second.toString())));

        // Then both files hold the 25 prompts
        assertEquals(sortedIds(prompts), sortedIds(read(first)));
        assertEquals(sortedIds(read(first)), sortedIds(read(second)));
        assertEquals(prompts.get(7), read(second).stream().filter(p -> p.getId().equals("p7")).findFirst().orElseThrow());
    }

    @Test
    void exportSkipsAndListsTombstonesAndUndecodableRecordsWithTheirReasons(ClusterEndpoints cluster, @TempDir Path dir)
        throws Exception {
        // Given a topic with 3 prompts, a tombstone, an empty value and bytes not in the wire format
        TopicDescriptor<Prompt> source = Topics.PROMPTS.withName(TestTopics.unique("files.bad"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(source), (short) 1);
        }
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        var serializer = source.valueSerde(SerdeSettings.apicurio(cluster.registryBaseUrl())).serializer();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                Prompt p = Prompt.newBuilder().setId("p" + i).setText("S " + i).setAnswer(Integer.toString(i))
                    .setAdmittedAtMs(Instant.ofEpochMilli(1000L * i)).setAdmittedAtVersion(0).build();
                producer.send(new ProducerRecord<>(source.name(), 0, bytes(p.getId()), serializer.serialize(source.name(), p)));
            }
            producer.send(new ProducerRecord<>(source.name(), 0, bytes("tombstone"), null));
            producer.send(new ProducerRecord<>(source.name(), 0, bytes("empty"), new byte[0]));
            producer.send(new ProducerRecord<>(source.name(), 0, bytes("json"), bytes("{\"id\": \"p9\"}")));
        }

        // When it is exported
        Path file = dir.resolve("bad.avro");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            exit = Vapo.run(List.of("export", "--bootstrap-servers", cluster.bootstrapServers(), "--registry-url",
                cluster.registryBaseUrl(), "--type", "prompts", "--topic", source.name(), "--file", file.toString()));
        } finally {
            System.setErr(original);
        }

        // Then the file holds the 3 prompts, and each skipped record is listed with why
        assertEquals(0, exit);
        assertEquals(List.of("p0", "p1", "p2"), sortedIds(read(file)));
        String listed = stderr.toString(StandardCharsets.UTF_8);
        assertTrue(listed.contains(source.name() + "-0@3: a tombstone (no value)"), listed);
        assertTrue(listed.contains(source.name() + "-0@4: value is empty (0 bytes)"), listed);
        assertTrue(listed.contains(source.name() + "-0@5: value (12 bytes, first byte 0x7b) is not in the registry wire format"),
            listed);
        assertTrue(listed.contains("3 records skipped"), listed);
    }

    @Test
    void importFailsWithTheBrokersReasonWhenTheTopicRefusesARecord(ClusterEndpoints cluster, @TempDir Path dir) {
        // Given a file with a prompt larger than the target topic accepts
        String target = TestTopics.unique("files.small");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(target, 1, (short) 1).configs(Map.of("max.message.bytes", "2000"))))
                .all().get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Path file = dir.resolve("big.avro");
        try (AvroFiles.Writer<Prompt> out = AvroFiles.create(file, Prompt.class)) {
            out.append(Prompt.newBuilder().setId("big").setText("S " + "1 ".repeat(3000) + "?").setAnswer("0")
                .setAdmittedAtMs(Instant.ofEpochMilli(0)).setAdmittedAtVersion(0).build());
        }

        // When it is imported, then the command fails and says the record was not written, and why
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Vapo.run(List.of("import",
            "--bootstrap-servers", cluster.bootstrapServers(), "--registry-url", cluster.registryBaseUrl(), "--type", "prompts",
            "--topic", target, "--file", file.toString())));
        assertTrue(e.getMessage().startsWith("1 of 1 records from " + file + " were not written to " + target), e.getMessage());
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> args(String[] common, String command, String... rest) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(common));
        all.addAll(List.of(rest));
        return all;
    }

    private static List<Prompt> read(Path file) {
        List<Prompt> out = new ArrayList<>();
        AvroFiles.read(file, Prompt.class, out::add);
        return out;
    }

    private static List<String> sortedIds(List<Prompt> prompts) {
        return prompts.stream().map(Prompt::getId).sorted().toList();
    }
}
