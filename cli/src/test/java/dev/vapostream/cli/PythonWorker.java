package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.vapostream.infra.ClusterEndpoints;

/**
 * {@code generator/python/worker.py} as a child process: Debian's python3-confluent-kafka, python3-avro
 * and python3-torch, a rollout worker that knows the pipeline only through docs/protocol.md.
 */
final class PythonWorker implements AutoCloseable {
    /** Debian's interpreter, where apt-get puts the packages. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = "generator/python/worker.py";

    private final Process process;
    private final Path log;

    private PythonWorker(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts a worker with {@code --bootstrap} and {@code --registry} of the cluster and the given flags; output goes to {@code log}. */
    static PythonWorker start(ClusterEndpoints cluster, Path log, List<String> flags) throws IOException, InterruptedException {
        requireDebianPackages();
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script().toString(), "--bootstrap",
            cluster.bootstrapServers(), "--registry", cluster.confluentCompatUrl()));
        command.addAll(flags);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new PythonWorker(process, log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops it as an operator would (SIGTERM) and returns its exit status; killed if it does not exit within the timeout. */
    int stop(long timeoutSeconds) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            fail("worker.py did not stop within " + timeoutSeconds + " s of SIGTERM; log tail:\n" + logTail(30));
        }
        return process.exitValue();
    }

    /** Kills it as a crash would (SIGKILL): no commit, no abort, no goodbye to the consumer group. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A missing package fails the test: a pipeline test that skips proves nothing. */
    static void requireDebianPackages() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import confluent_kafka.avro, avro, requests, torch")
            .redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (probe.waitFor() != 0) {
            fail("this test needs Debian's python3-confluent-kafka, python3-avro, python3-requests and python3-torch under "
                + PYTHON + " (apt-get install python3-confluent-kafka python3-avro python3-requests python3-torch;"
                + " .ci/run installs them): " + output);
        }
    }

    /** The script, found from the module's directory (Maven runs tests in cli/) or the repository root. */
    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SCRIPT))) {
                return dir.resolve(SCRIPT);
            }
        }
        throw new IllegalStateException(SCRIPT + " not found above " + Path.of("").toAbsolutePath());
    }
}
