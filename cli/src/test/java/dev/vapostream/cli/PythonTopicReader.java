package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vapostream.infra.ClusterEndpoints;

/**
 * Reads a topic with {@code schemas/python/read_topic.py}: Debian's python3-confluent-kafka and
 * its legacy Avro API, a client that knows nothing of vapo and cannot follow schema references.
 */
final class PythonTopicReader {
    /** Debian's interpreter, where apt-get puts python3-confluent-kafka and python3-avro. */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String SCRIPT = "schemas/python/read_topic.py";
    /** Metrics may carry NaN (nothing measured), which Python's json writes as a bare NaN. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private PythonTopicReader() {
    }

    record Result(List<JsonNode> records, List<JsonNode> errors, int exitCode, String stderr) {
    }

    static Result read(ClusterEndpoints cluster, String topic) throws IOException, InterruptedException {
        requireDebianPackages();
        Path stdout = Files.createTempFile("read-topic", ".jsonl");
        Path stderr = Files.createTempFile("read-topic", ".err");
        try {
            Process python = new ProcessBuilder(PYTHON.toString(), script().toString(), "--bootstrap",
                cluster.bootstrapServers(), "--registry", cluster.confluentCompatUrl(), "--topic", topic)
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!python.waitFor(120, TimeUnit.SECONDS)) {
                python.destroyForcibly();
                fail("read_topic.py did not finish reading " + topic + " within 120 s");
            }
            List<JsonNode> records = new ArrayList<>();
            List<JsonNode> errors = new ArrayList<>();
            for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
                JsonNode node = JSON.readTree(line);
                (node.has("error") ? errors : records).add(node);
            }
            return new Result(records, errors, python.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** A missing package fails the test: a decode test that skips proves nothing. */
    private static void requireDebianPackages() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import confluent_kafka.avro, avro, requests")
            .redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (probe.waitFor() != 0) {
            fail("this test needs Debian's python3-confluent-kafka, python3-avro and python3-requests under " + PYTHON
                + " (apt-get install python3-confluent-kafka python3-avro python3-requests; .ci/run installs them): " + output);
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
