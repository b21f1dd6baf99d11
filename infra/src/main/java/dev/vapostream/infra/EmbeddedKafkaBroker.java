package dev.vapostream.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker (broker and controller in one) running in this JVM, with every
 * listener on 127.0.0.1. Replication factors are 1 so transactions and consumer groups work on
 * one node.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
    }

    /** Starts a broker on free loopback ports with its log under {@code dataDir}. */
    public static EmbeddedKafkaBroker start(Path dataDir) {
        return start(dataDir, FreePort.onLoopback(), FreePort.onLoopback(), Map.of());
    }

    /**
     * Starts a broker on the given loopback ports. {@code overrides} are broker settings applied
     * last (e.g. {@code message.max.bytes}); they cannot move a listener off 127.0.0.1.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int brokerPort, int controllerPort,
                                            Map<String, String> overrides) {
        return start(dataDir, brokerPort, controllerPort, overrides, Map.of());
    }

    /**
     * A broker whose client listener takes SASL/PLAIN (SASL_PLAINTEXT) with the given users and
     * passwords, and authorizes every request by ACLs ({@code StandardAuthorizer}, nothing allowed
     * without one) except for {@code superUser}'s. The controller listener stays PLAINTEXT on
     * 127.0.0.1, and its principal ({@code User:ANONYMOUS}) is a super user so that the broker can talk
     * to its own controller: any local process that connects to the controller port is one too. For
     * tests on one machine, not for a shared host.
     */
    public static EmbeddedKafkaBroker startSaslPlain(Path dataDir, Map<String, String> passwords, String superUser) {
        int brokerPort = FreePort.onLoopback();
        int controllerPort = FreePort.onLoopback();
        Map<String, String> o = clientListener("SASL_PLAINTEXT", brokerPort, controllerPort);
        o.put("sasl.enabled.mechanisms", "PLAIN");
        o.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        StringBuilder jaas = new StringBuilder(plainLogin(superUser, passwords.get(superUser)));
        jaas.setLength(jaas.length() - 1);
        passwords.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        o.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
        o.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        o.put("super.users", "User:" + superUser + ";User:ANONYMOUS");
        o.put("allow.everyone.if.no.acl.found", "false");
        return start(dataDir, brokerPort, controllerPort, o, saslPlainClient(superUser, passwords.get(superUser)));
    }

    /**
     * A broker whose client listener takes TLS only, with the PKCS12 {@code keyStore} holding the key
     * of {@code certificatePem} (which must name 127.0.0.1); the broker trusts that certificate for
     * its own connections. The controller listener stays PLAINTEXT on 127.0.0.1.
     */
    public static EmbeddedKafkaBroker startTls(Path dataDir, Path keyStore, String password, String certificatePem) {
        int brokerPort = FreePort.onLoopback();
        int controllerPort = FreePort.onLoopback();
        Map<String, String> o = clientListener("SSL", brokerPort, controllerPort);
        o.put("ssl.keystore.type", "PKCS12");
        o.put("ssl.keystore.location", keyStore.toString());
        o.put("ssl.keystore.password", password);
        o.put("ssl.key.password", password);
        o.put("ssl.truststore.type", "PEM");
        o.put("ssl.truststore.certificates", certificatePem);
        return start(dataDir, brokerPort, controllerPort, o, tlsClient(certificatePem));
    }

    /**
     * Broker settings for one client listener named after its security {@code protocol} (also used
     * between brokers) beside a PLAINTEXT controller listener, both on 127.0.0.1; mutable, for the
     * protocol's own settings to be added.
     */
    private static Map<String, String> clientListener(String protocol, int brokerPort, int controllerPort) {
        Map<String, String> o = new HashMap<>();
        o.put("listeners", protocol + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        o.put("advertised.listeners", protocol + "://127.0.0.1:" + brokerPort);
        o.put("listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT");
        o.put("inter.broker.listener.name", protocol);
        return o;
    }

    /** The client settings that trust {@code certificatePem} over TLS (as {@code kafka.*} pass-through settings). */
    public static Map<String, String> tlsClient(String certificatePem) {
        return Map.of("security.protocol", "SSL", "ssl.truststore.type", "PEM", "ssl.truststore.certificates", certificatePem);
    }

    /** The client settings of a SASL/PLAIN user (as {@code kafka.*} pass-through settings of a stage, prefix removed). */
    public static Map<String, String> saslPlainClient(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", plainLogin(user, password));
    }

    private static String plainLogin(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
            + "\" password=\"" + password + "\";";
    }

    /** As above; {@code clientSettings} let the readiness check through the broker's listener (e.g. SASL). */
    public static EmbeddedKafkaBroker start(Path dataDir, int brokerPort, int controllerPort,
                                            Map<String, String> overrides, Map<String, String> clientSettings) {
        Properties props = brokerProperties(dataDir, brokerPort, controllerPort);
        props.putAll(overrides);
        requireLoopbackListeners(props);
        formatStorage(dataDir, props);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + brokerPort;
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, bootstrap, dataDir);
        try {
            broker.awaitReady(clientSettings);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.info("Kafka broker ready at {} (data in {})", bootstrap, dataDir);
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker at {} stopped", bootstrapServers);
    }

    static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.resolve("kraft-logs").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Every topic the pipeline uses is declared in schemas/; a typo must fail, not create a topic.
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private static void requireLoopbackListeners(Properties props) {
        for (String key : new String[] {"listeners", "advertised.listeners"}) {
            for (String listener : props.getProperty(key).split(",")) {
                if (!listener.contains("://127.0.0.1:")) {
                    throw new IllegalArgumentException(key + " must bind 127.0.0.1 only, got " + listener);
                }
            }
        }
    }

    /**
     * Formats the log folder on first use. A folder that was formatted before keeps its cluster id,
     * so a broker restarted on the same folder comes back with its topics (formatting again with a
     * new id is refused by Kafka).
     */
    private static void formatStorage(Path dataDir, Properties props) {
        if (Files.exists(Path.of(props.getProperty("log.dirs")).resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            Path config = dataDir.resolve("server.properties");
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(w, "written by vapo-stream EmbeddedKafkaBroker");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[] {
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"},
                new PrintStream(out, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("formatting " + dataDir + " failed: " + out.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare broker data dir " + dataDir, e);
        }
    }

    private void awaitReady(Map<String, String> clientSettings) {
        Properties adminProps = new Properties();
        adminProps.putAll(clientSettings);
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminProps)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("broker at " + bootstrapServers + " not ready after " + READY_TIMEOUT, e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("broker at " + bootstrapServers + " reports no nodes after " + READY_TIMEOUT);
                }
            }
        }
    }
}
