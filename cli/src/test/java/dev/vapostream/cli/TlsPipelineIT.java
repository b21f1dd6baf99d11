package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.EmbeddedKafkaBroker;
import dev.vapostream.infra.SchemaRegistryServer;
import dev.vapostream.infra.testing.SelfSignedCertificate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline against a broker that speaks TLS only: the four stages get the trust settings only
 * through the {@code kafka.*} pass-through, and reach every client with them.
 */
class TlsPipelineIT {

    @Test
    void thePipelineRunsOverTlsWhilePlaintextAndUntrustingClientsAreRefused(@TempDir Path dir) throws Exception {
        // Given a broker with a TLS listener only, its certificate self-signed for 127.0.0.1
        SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTls(dir.resolve("kafka"), certificate.keyStore(),
                 certificate.password(), certificate.certificatePem());
             SchemaRegistryServer registry = SchemaRegistryServer.start(dir.resolve("registry.log"))) {
            ClusterEndpoints cluster = new ClusterEndpoints(broker.bootstrapServers(), registry.baseUrl());
            String id = UUID.randomUUID().toString().substring(0, 8);

            // When the four stages run a short training, trusting the certificate through kafka.* settings
            PipelineIT.Ran ran = PipelineIT.runAShortPipeline(cluster, dir.resolve("run"), id, PipelineIT.topicsOf(id),
                EmbeddedKafkaBroker.tlsClient(certificate.certificatePem()));

            // Then the learner took its 3 steps through every stage
            assertEquals(3, ran.learnerSteps());
            // And a plaintext client, and a TLS client that does not trust the certificate, are not served
            assertThrows(ExecutionException.class, () -> listTopics(broker, Map.of()), "a plaintext client was served");
            ExecutionException untrusting = assertThrows(ExecutionException.class,
                () -> listTopics(broker, Map.of("security.protocol", "SSL")), "a client trusting only the JDK's authorities was served");
            assertInstanceOf(SslAuthenticationException.class, untrusting.getCause());
        }
    }

    private static void listTopics(EmbeddedKafkaBroker broker, Map<String, String> clientSettings) throws Exception {
        Properties p = new Properties();
        p.putAll(new HashMap<>(clientSettings));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (Admin admin = Admin.create(p)) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }
}
