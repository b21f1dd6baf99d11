package dev.vapostream.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry (the server dist the build unpacks) as a child process with its HTTP and
 * management interfaces on 127.0.0.1. Storage is in memory: it lives as long as the process.
 */
public final class SchemaRegistryServer implements AutoCloseable {
    /** System property (or env var {@code VAPO_REGISTRY_HOME}) naming the unpacked server dist. */
    public static final String HOME_PROPERTY = "vapo.registry.home";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final String baseUrl;
    private final Path logFile;

    private SchemaRegistryServer(Process process, String baseUrl, Path logFile) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.logFile = logFile;
    }

    /** Starts the registry on free loopback ports with in-memory storage, logging to {@code logFile}. */
    public static SchemaRegistryServer start(Path logFile) {
        return start(locateHome(), FreePort.onLoopback(), FreePort.onLoopback(), logFile, null);
    }

    /**
     * Starts the registry; with a {@code storageDir} its schemas are kept in an H2 database file
     * there and survive restarts (records already on topics keep resolving), else in memory.
     */
    public static SchemaRegistryServer start(Path home, int httpPort, int managementPort, Path logFile, Path storageDir) {
        List<String> command = command(home, httpPort, managementPort, storageDir);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
            SchemaRegistryServer registry = new SchemaRegistryServer(process, "http://127.0.0.1:" + httpPort, logFile);
            try {
                registry.awaitReady();
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            LOG.info("Schema registry ready at {} (pid {}, log {})", registry.baseUrl, process.pid(), logFile);
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start schema registry: " + String.join(" ", command), e);
        }
    }

    /** The java command line that runs the server. */
    public static List<String> command(Path home, int httpPort, int managementPort, Path storageDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx384m");
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-Dquarkus.http.port=" + httpPort);
        // The management interface listens on every interface unless told otherwise.
        cmd.add("-Dquarkus.management.host=127.0.0.1");
        cmd.add("-Dquarkus.management.port=" + managementPort);
        if (storageDir != null) {
            cmd.add("-Dapicurio.storage.kind=sql");
            cmd.add("-Dapicurio.storage.sql.kind=h2");
            cmd.add("-Dapicurio.datasource.url=jdbc:h2:file:" + storageDir.toAbsolutePath().resolve("registry"));
            cmd.add("-Dapicurio.datasource.username=sa");
            cmd.add("-Dapicurio.datasource.password=sa");
        }
        cmd.add("-jar");
        cmd.add(runnerJar(home).toString());
        return cmd;
    }

    /** The unpacked server dist: {@value #HOME_PROPERTY}, else {@code VAPO_REGISTRY_HOME}. */
    public static Path locateHome() {
        String home = System.getProperty(HOME_PROPERTY, System.getenv("VAPO_REGISTRY_HOME"));
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("Schema registry location unknown: set -D" + HOME_PROPERTY
                + " (or VAPO_REGISTRY_HOME) to the folder the build unpacks it into, infra/target/apicurio-registry;"
                + " run ./mvnw -pl infra package first if it is missing.");
        }
        return Path.of(home);
    }

    private static Path runnerJar(Path home) {
        try (Stream<Path> files = Files.list(home)) {
            return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no *-runner.jar in " + home
                    + ": the registry dist is not unpacked there; run ./mvnw -pl infra package"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read registry dist folder " + home
                + ": run ./mvnw -pl infra package to unpack it", e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LOG.info("Schema registry at {} stopped", baseUrl);
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl + "/apis/registry/v3/system/info"))
            .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("schema registry exited with " + process.exitValue() + "; see " + logFile);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the schema registry", e);
            }
            pause();
        }
        throw new IllegalStateException("schema registry not ready after " + READY_TIMEOUT + "; see " + logFile);
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
