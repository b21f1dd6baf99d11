package dev.vapostream.infra;

import java.nio.file.Path;

/** An embedded broker plus a registry child process: everything the pipeline needs, on 127.0.0.1. */
public final class LocalCluster implements AutoCloseable {
    private final EmbeddedKafkaBroker broker;
    private final SchemaRegistryServer registry;

    private LocalCluster(EmbeddedKafkaBroker broker, SchemaRegistryServer registry) {
        this.broker = broker;
        this.registry = registry;
    }

    /** Starts broker and registry on free ports; broker data and registry log go under {@code workDir}. */
    public static LocalCluster start(Path workDir) {
        return start(workDir, false);
    }

    /**
     * As {@link #start(Path)}; {@code durable} also keeps the registry's schemas under
     * {@code workDir}, so a cluster restarted on the same folder can still read its topics.
     */
    public static LocalCluster start(Path workDir, boolean durable) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"));
        try {
            return new LocalCluster(broker, SchemaRegistryServer.start(SchemaRegistryServer.locateHome(),
                FreePort.onLoopback(), FreePort.onLoopback(), workDir.resolve("registry.log"),
                durable ? workDir.resolve("registry-db") : null));
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public ClusterEndpoints endpoints() {
        return new ClusterEndpoints(broker.bootstrapServers(), registry.baseUrl());
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            broker.close();
        }
    }
}
