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
        var cmd = SchemaRegistryServer.command(SchemaRegistryServer.locateHome(), 1, 2, null);
        assertTrue(cmd.contains("-Dquarkus.http.host=127.0.0.1"), cmd.toString());
        assertTrue(cmd.contains("-Dquarkus.management.host=127.0.0.1"), cmd.toString());
    }

    @Test
    void aDurableRegistryStillKnowsItsSchemasAfterARestart(@TempDir Path dir) throws Exception {
        // Given a schema registered with a registry that stores under dir
        String schema = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"A\\\",\\\"fields\\\":[{\\\"name\\\":\\\"x\\\",\\\"type\\\":\\\"int\\\"}]}\"}";
        HttpClient http = HttpClient.newHttpClient();
        String id;
        try (SchemaRegistryServer first = SchemaRegistryServer.start(SchemaRegistryServer.locateHome(), FreePort.onLoopback(),
            FreePort.onLoopback(), dir.resolve("first.log"), dir.resolve("db"))) {
            HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
                    URI.create(first.baseUrl() + "/apis/ccompat/v7/subjects/a-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(schema)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, registered.statusCode(), registered.body());
            id = registered.body().replaceAll("[^0-9]", "");
        }

        // When a new registry process starts on the same storage
        try (SchemaRegistryServer second = SchemaRegistryServer.start(SchemaRegistryServer.locateHome(), FreePort.onLoopback(),
            FreePort.onLoopback(), dir.resolve("second.log"), dir.resolve("db"))) {
            HttpResponse<String> found = http.send(HttpRequest.newBuilder(
                URI.create(second.baseUrl() + "/apis/ccompat/v7/schemas/ids/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());

            // Then the schema id still resolves
            assertEquals(200, found.statusCode(), found.body());
            assertTrue(found.body().contains("\\\"name\\\":\\\"A\\\""), found.body());
        }
    }
}
