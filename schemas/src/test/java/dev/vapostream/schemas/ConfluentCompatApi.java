package dev.vapostream.schemas;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A minimal client of the registry's Confluent-compatible REST API, as any Confluent tool would use it. */
final class ConfluentCompatApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    ConfluentCompatApi(String ccompatUrl) {
        this.base = ccompatUrl;
    }

    record Answer(int status, JsonNode body) {
    }

    /** GET /schemas/ids/{id}: the schema text a wire-format id stands for. */
    String schemaById(int id) throws IOException, InterruptedException {
        Answer a = send("GET", "/schemas/ids/" + id, null);
        if (a.status() != 200) {
            throw new IllegalStateException("schema id " + id + ": HTTP " + a.status() + " " + a.body());
        }
        return a.body().get("schema").asText();
    }

    /**
     * The writer schema of a wire-format id, parsed the way a Confluent client does it: schema
     * references (the Apicurio serde registers nested named types as their own subjects) are
     * fetched and parsed first, depth first.
     */
    org.apache.avro.Schema parsedSchemaById(int id) throws IOException, InterruptedException {
        Answer a = send("GET", "/schemas/ids/" + id, null);
        if (a.status() != 200) {
            throw new IllegalStateException("schema id " + id + ": HTTP " + a.status() + " " + a.body());
        }
        org.apache.avro.Schema.Parser parser = new org.apache.avro.Schema.Parser();
        parseReferences(a.body(), parser, new java.util.HashSet<>());
        return parser.parse(a.body().get("schema").asText());
    }

    private void parseReferences(JsonNode schemaAnswer, org.apache.avro.Schema.Parser parser, java.util.Set<String> done)
        throws IOException, InterruptedException {
        JsonNode references = schemaAnswer.get("references");
        if (references == null) {
            return;
        }
        for (JsonNode ref : references) {
            String key = ref.get("subject").asText() + "/" + ref.get("version").asText();
            if (!done.add(key)) {
                continue;
            }
            Answer referenced = send("GET", "/subjects/" + encode(ref.get("subject").asText()) + "/versions/"
                + ref.get("version").asText(), null);
            if (referenced.status() != 200) {
                throw new IllegalStateException("reference " + key + ": HTTP " + referenced.status());
            }
            parseReferences(referenced.body(), parser, done);
            parser.parse(referenced.body().get("schema").asText());
        }
    }

    /** GET /subjects/{subject}/versions/latest: the answer carries {@code schema} and, if any, {@code references}. */
    JsonNode latestVersion(String subject) throws IOException, InterruptedException {
        Answer a = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        if (a.status() != 200) {
            throw new IllegalStateException("latest version of " + subject + ": HTTP " + a.status() + " " + a.body());
        }
        return a.body();
    }

    Answer register(String subject, String schema) throws IOException, InterruptedException {
        return send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
    }

    Answer setCompatibility(String subject, String level) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level);
        return send("PUT", "/config/" + encode(subject), body.toString());
    }

    /** POST /compatibility/subjects/{subject}/versions/latest: would {@code schema} be accepted? */
    boolean isCompatibleWithLatest(String subject, String schema) throws IOException, InterruptedException {
        Answer a = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
        if (a.status() != 200) {
            throw new IllegalStateException("compatibility check for " + subject + ": HTTP " + a.status() + " " + a.body());
        }
        return a.body().get("is_compatible").asBoolean();
    }

    Answer subjects() throws IOException, InterruptedException {
        return send("GET", "/subjects", null);
    }

    private static String schemaBody(String schema) {
        return JSON.createObjectNode().put("schemaType", "AVRO").put("schema", schema).toString();
    }

    private Answer send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(15))
            .header("Accept", CONTENT_TYPE);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        JsonNode json = text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
        return new Answer(response.statusCode(), json);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
