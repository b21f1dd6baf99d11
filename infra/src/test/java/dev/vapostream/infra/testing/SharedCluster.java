package dev.vapostream.infra.testing;

import java.nio.file.Path;
import java.util.UUID;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.LocalCluster;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension giving tests a {@link ClusterEndpoints} parameter: one Kafka broker and one
 * schema registry per test JVM, started on first use and stopped when the test plan ends.
 * Embedded (KRaft in this JVM, registry as a child process) unless {@code -Dvapo.it.containers=true},
 * which starts them with Testcontainers instead where a Docker engine exists.
 */
public final class SharedCluster implements ParameterResolver {
    public static final String CONTAINERS_PROPERTY = "vapo.it.containers";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedCluster.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == ClusterEndpoints.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return extension.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent("cluster", key -> start(), Running.class)
            .endpoints();
    }

    private static Running start() {
        if (Boolean.getBoolean(CONTAINERS_PROPERTY)) {
            ContainerCluster containers = ContainerCluster.start();
            return new Running(containers.endpoints(), containers);
        }
        Path workDir = Path.of("target", "it-cluster-" + UUID.randomUUID()).toAbsolutePath();
        LocalCluster cluster = LocalCluster.start(workDir);
        return new Running(cluster.endpoints(), cluster);
    }

    /** Closed by JUnit when the root context closes, i.e. after the last test of the JVM. */
    record Running(ClusterEndpoints endpoints, AutoCloseable handle) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            handle.close();
        }
    }
}
