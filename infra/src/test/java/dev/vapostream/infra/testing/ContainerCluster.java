package dev.vapostream.infra.testing;

import java.util.List;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.vapostream.infra.ClusterEndpoints;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka and Apicurio Registry in Docker, the images of {@code infra/compose.yaml}, with host ports
 * published on 127.0.0.1 only. Used when {@code -Dvapo.it.containers=true}.
 */
final class ContainerCluster implements AutoCloseable {
    static final String KAFKA_IMAGE = "apache/kafka:4.1.0";
    static final String REGISTRY_IMAGE = "apicurio/apicurio-registry:3.0.9";

    private final Network network;
    private final KafkaContainer kafka;
    private final GenericContainer<?> registry;

    private ContainerCluster(Network network, KafkaContainer kafka, GenericContainer<?> registry) {
        this.network = network;
        this.kafka = kafka;
        this.registry = registry;
    }

    static ContainerCluster start() {
        Network network = Network.newNetwork();
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE)).withNetwork(network);
        publishOnLoopback(kafka, 9092);
        GenericContainer<?> registry = new GenericContainer<>(DockerImageName.parse(REGISTRY_IMAGE))
            .withNetwork(network)
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp("/apis/registry/v3/system/info").forStatusCode(200));
        publishOnLoopback(registry, 8080);
        kafka.start();
        registry.start();
        return new ContainerCluster(network, kafka, registry);
    }

    /** Docker publishes on every interface by default; vapo's servers listen on loopback only. */
    private static void publishOnLoopback(GenericContainer<?> container, int port) {
        container.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
            List.of(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(port)))));
    }

    ClusterEndpoints endpoints() {
        return new ClusterEndpoints(kafka.getBootstrapServers(),
            "http://" + registry.getHost() + ":" + registry.getMappedPort(8080));
    }

    @Override
    public void close() {
        registry.stop();
        kafka.stop();
        network.close();
    }
}
