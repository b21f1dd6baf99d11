package dev.vapostream.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaRegistryServerIT {

    @Test
    void startsOnLoopbackServesTheConfluentApiAndStopsByHandle(@TempDir Path dir) throws Exception {
        // Given a registry started as a child process
        long pid;
        try (SchemaRegistryServer registry = SchemaRegistryServer.start(dir.resolve("registry.log"))) {
            pid = registry.pid();
            assertTrue(registry.baseUrl().startsWith("http://127.0.0.1:"), registry.baseUrl());

            // When its Confluent-compatible API is asked for subjects
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry.baseUrl() + "/apis/ccompat/v7/subjects"))
                    .timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

            // Then it answers with a JSON list
            assertEquals(200, response.statusCode());
            assertTrue(response.body().trim().startsWith("["), response.body());
        }
        // And closing the handle ends the process
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "registry process still alive");
    }

    @Test
    void commandBindsHttpAndManagementToLoopback() {
        var cmd = SchemaRegistryServer.command(SchemaRegistryServer.locateHome(), 1, 2);
        assertTrue(cmd.contains("-Dquarkus.http.host=127.0.0.1"), cmd.toString());
        assertTrue(cmd.contains("-Dquarkus.management.host=127.0.0.1"), cmd.toString());
    }
}
