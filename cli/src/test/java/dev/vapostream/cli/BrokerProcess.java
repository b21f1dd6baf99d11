package dev.vapostream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.vapostream.infra.BrokerMain;
import dev.vapostream.infra.FreePort;
import dev.vapostream.infra.testing.Await;

/**
 * The embedded KRaft broker as its own OS process ({@link BrokerMain}) on fixed loopback ports and a
 * data folder kept across restarts, so that a test can SIGKILL it, as a crash, and bring it back
 * on its data. Its output is appended to one log across restarts.
 */
final class BrokerProcess implements AutoCloseable {
    private static final String READY = "vapo broker ready at ";
    private static final Duration START_LIMIT = Duration.ofMinutes(2);

    private final Path dataDir;
    private final Path log;
    private final int brokerPort = FreePort.onLoopback();
    private final int controllerPort = FreePort.onLoopback();
    private Process process;
    private int starts;

    private BrokerProcess(Path dataDir, Path log) {
        this.dataDir = dataDir;
        this.log = log;
    }

    /** Starts a broker on {@code dataDir} and waits until it serves. */
    static BrokerProcess start(Path dataDir, Path log) throws IOException {
        BrokerProcess broker = new BrokerProcess(dataDir, log);
        broker.startProcess();
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** SIGKILL: no clean shutdown, nothing flushed or handed over by the broker. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker process did not end within 30 s of SIGKILL");
        }
    }

    /** Starts it again on the same ports and data, and waits until it serves. */
    void restart() throws IOException {
        startProcess();
    }

    private void startProcess() throws IOException {
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"),
            "-cp", System.getProperty("java.class.path"), BrokerMain.class.getName(),
            dataDir.toString(), Integer.toString(brokerPort), Integer.toString(controllerPort));
        process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        starts++;
        int expected = starts;
        Await.until(START_LIMIT, "the broker's start " + expected, () -> readyLines() >= expected || !process.isAlive());
        if (!process.isAlive()) {
            throw new IllegalStateException("the broker process ended with " + process.exitValue() + "; see " + log);
        }
    }

    private long readyLines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(READY)).count();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
