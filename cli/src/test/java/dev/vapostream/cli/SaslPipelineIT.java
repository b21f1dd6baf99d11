package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.EmbeddedKafkaBroker;
import dev.vapostream.infra.FreePort;
import dev.vapostream.infra.SchemaRegistryServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline against a broker that authenticates (SASL/PLAIN) and authorizes (ACLs): the four
 * stages get their credentials only through the {@code kafka.*} pass-through settings, and reach
 * every client with them (the Streams apps' internal ones, the admin clients creating topics).
 */
class SaslPipelineIT {
    private static final Map<String, String> PASSWORDS = Map.of("admin", "admin-secret", "vapo", "vapo-secret",
        "intruder", "intruder-secret");

    @Test
    void thePipelineRunsWithSaslCredentialsAndAclsWhileOthersAreRefused(@TempDir Path dir) throws Exception {
        // Given a broker that takes SASL/PLAIN only, with ACLs that allow the pipeline's user and nobody else
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSaslPlain(dir.resolve("kafka"), PASSWORDS, "admin");
             SchemaRegistryServer registry = SchemaRegistryServer.start(SchemaRegistryServer.locateHome(),
                 FreePort.onLoopback(), FreePort.onLoopback(), dir.resolve("registry.log"), null)) {
            allowThePipelineUser(broker);
            ClusterEndpoints cluster = new ClusterEndpoints(broker.bootstrapServers(), registry.baseUrl());
            String id = UUID.randomUUID().toString().substring(0, 8);
            Map<String, String> topics = PipelineIT.topicsOf(id);

            // When the four stages run a short training with the pipeline user's credentials as kafka.* settings
            PipelineIT.Ran ran = PipelineIT.runAShortPipeline(cluster, dir.resolve("run"), id, topics,
                EmbeddedKafkaBroker.saslPlainClient("vapo", "vapo-secret"));

            // Then the learner took its 3 steps (1 of value pretraining, 2 policy updates) through every stage
            assertEquals(3, ran.learnerSteps());
            assertEquals(2, ran.policyVersions());
            // And a client without credentials, one with a wrong password, and an authenticated user without
            // ACLs are each refused
            assertThrows(ExecutionException.class, () -> listTopics(broker, Map.of()),
                "a client without credentials was served");
            ExecutionException wrongPassword = assertThrows(ExecutionException.class,
                () -> listTopics(broker, EmbeddedKafkaBroker.saslPlainClient("vapo", "guess")));
            assertInstanceOf(SaslAuthenticationException.class, wrongPassword.getCause());
            ExecutionException intruder = assertThrows(ExecutionException.class,
                () -> describe(broker, EmbeddedKafkaBroker.saslPlainClient("intruder", "intruder-secret"), topics.get("prompts")));
            assertInstanceOf(TopicAuthorizationException.class, intruder.getCause());
        }
    }

    /** The pipeline's user may do everything on topics, groups and transactional ids; that is its only ACL. */
    private static void allowThePipelineUser(EmbeddedKafkaBroker broker) throws Exception {
        AccessControlEntry all = new AccessControlEntry("User:vapo", "*", AclOperation.ALL, AclPermissionType.ALLOW);
        try (Admin admin = admin(broker, EmbeddedKafkaBroker.saslPlainClient("admin", "admin-secret"))) {
            admin.createAcls(List.of(
                new AclBinding(new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL), all),
                new AclBinding(new ResourcePattern(ResourceType.GROUP, "*", PatternType.LITERAL), all),
                new AclBinding(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, "*", PatternType.LITERAL), all),
                new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL), all)))
                .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static Admin admin(EmbeddedKafkaBroker broker, Map<String, String> clientSettings) {
        Properties p = new Properties();
        p.putAll(new HashMap<>(clientSettings));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return Admin.create(p);
    }

    private static void listTopics(EmbeddedKafkaBroker broker, Map<String, String> clientSettings) throws Exception {
        try (Admin admin = admin(broker, clientSettings)) {
            admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    private static void describe(EmbeddedKafkaBroker broker, Map<String, String> clientSettings, String topic)
        throws Exception {
        try (Admin admin = admin(broker, clientSettings)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
        }
    }
}
