package dev.vapostream.generator.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

import dev.vapostream.generator.GeneratorConfig;
import dev.vapostream.generator.TestPolicies;
import dev.vapostream.generator.kafka.KafkaClients;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.WeightChunk;
import dev.vapostream.schemas.weights.WeightChunks;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedCluster.class)
class WeightsFeedIT {

    @Test
    void oneCatchUpReadsAMultiMegabyteBacklogAndLoadsOnlyTheNewestPolicy(ClusterEndpoints cluster) throws Exception {
        // Given a weights topic holding 12 policy versions interleaved with 12 half-megabyte critic versions
        String topic = TestTopics.unique("feed-it.weights");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            TopicAdmin.ensure(admin, List.of(Topics.WEIGHTS.withName(topic)), (short) 1);
        }
        SerdeSettings serdes = SerdeSettings.apicurio(cluster.registryBaseUrl());
        byte[] newest = TestPolicies.weights(112);
        List<WeightChunk> backlog = new ArrayList<>();
        Random random = new Random(3);
        for (int v = 1; v <= 12; v++) {
            backlog.addAll(TestPolicies.chunks("policy", v, v == 12 ? newest : TestPolicies.weights(100 + v)));
            byte[] critic = new byte[512 * 1024];
            random.nextBytes(critic);
            backlog.addAll(WeightChunks.split(new WeightChunks.Header("critic", ModelRole.CRITIC, v, "x", Map.of(), Instant.EPOCH),
                critic, Topics.WEIGHT_CHUNK_BYTES, Instant.now()));
        }
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        pp.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        try (KafkaProducer<String, WeightChunk> producer = new KafkaProducer<>(pp, Topics.WEIGHTS.keySerde().serializer(),
            Topics.WEIGHTS.valueSerde(serdes).serializer())) {
            for (WeightChunk c : backlog) {
                producer.send(new ProducerRecord<>(topic, WeightChunks.key(c), c));
            }
            producer.flush();
        }

        // When a feed catches up once
        GeneratorConfig config = GeneratorConfig.fromProperties(props(cluster, topic));
        List<Long> loaded = new ArrayList<>();
        PolicyVersions versions = new PolicyVersions("policy", PolicyModel::fromWeights, new VersionEvents() {
            @Override
            public void loaded(long version, Duration sincePublished) {
                loaded.add(version);
            }

            @Override
            public void refused(long version, String reason) {
            }

            @Override
            public void announced(long newestVersion) {
            }

            @Override
            public void incomplete(long version, List<Integer> missing) {
            }

            @Override
            public void unreadableChunk(String key, String reason) {
            }
        });
        try (WeightsFeed feed = new WeightsFeed(KafkaClients.weightsConsumer(config),
            Topics.WEIGHTS.valueSerde(serdes).deserializer(), topic, "policy", Duration.ofSeconds(30))) {
            feed.catchUp(Duration.ofSeconds(30), versions);

            // Then the policy in use is version 12, loaded directly, with the newest weights
            PolicyVersions.Current current = versions.current().orElseThrow();
            assertEquals(12, current.version());
            assertEquals(List.of(12L), loaded);
            assertEquals(WeightChunks.sha256Hex(newest), current.policy().weightsSha256());
        } finally {
            versions.close();
        }
    }

    private static Properties props(ClusterEndpoints cluster, String topic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", cluster.bootstrapServers());
        p.setProperty("registry.url", cluster.registryBaseUrl());
        p.setProperty("weights.topic", topic);
        p.setProperty("worker.id", "feed-it");
        // One fetch holds at most 1 MB here, so only repeated polls can read the 6.5 MB backlog.
        p.setProperty("kafka.max.partition.fetch.bytes", "1048576");
        p.setProperty("kafka.fetch.max.bytes", "1048576");
        return p;
    }
}
