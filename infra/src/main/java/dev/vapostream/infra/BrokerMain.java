package dev.vapostream.infra;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the embedded broker as its own OS process until it is sent SIGTERM; used by
 * {@code infra/bin/local-cluster}. Usage: {@code BrokerMain DATA_DIR BROKER_PORT CONTROLLER_PORT}.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            // Thrown, not System.exit: the JVM still ends with status 1 and this message.
            throw new IllegalArgumentException("usage: BrokerMain DATA_DIR BROKER_PORT CONTROLLER_PORT");
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
            Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("vapo broker ready at " + broker.bootstrapServers());
        stopped.await();
    }
}
