package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
