package dev.vapostream.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vapostream.generator.sampling.PreparedPrompt;
import dev.vapostream.generator.sampling.SampledGroup;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.model.sampling.FinishReason;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.ResponseGroup;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What docs/protocol.md tells a worker written in another language, checked against the real
 * registry: register the ResponseGroup schema through the Confluent-compatible API, write the
 * returned id in the Confluent wire format, and the Java stages read the group.
 */
@ExtendWith(SharedCluster.class)
class ForeignWorkerWireIT {

    @Test
    void aGroupRegisteredAndFramedAsAConfluentClientWouldIsReadByTheJavaStages(ClusterEndpoints cluster)
        throws Exception {
        // Given a fresh rollouts subject, registered the way a Confluent client would
        String topic = TestTopics.unique("gen-it.foreign-rollouts");
        String schemaText = ResponseGroup.getClassSchema().toString();
        int compatId = register(cluster, topic + "-value", schemaText);

        // And a group encoded with plain Avro by that schema, framed as byte 0 + the id
        ResponseGroup group = sampleGroup();
        byte[] framed = frame(compatId, group);

        // When the Java serde (what the scorer uses) reads it
        SerdeSettings serdes = SerdeSettings.apicurio(cluster.registryBaseUrl());
        ResponseGroup read = Topics.ROLLOUTS.valueSerde(serdes).deserializer().deserialize(topic, framed);

        // Then the group arrives intact, registering the same schema again returns the same id,
        // and the id resolves to exactly the self-contained schema that was registered
        assertEquals(group, read);
        assertEquals(compatId, register(cluster, topic + "-value", schemaText));
        assertEquals(ResponseGroup.getClassSchema(), new Schema.Parser().parse(extractSchema(get(cluster, "/schemas/ids/" + compatId))));

        // And the Java serde registers the same self-contained schema, with no references for a
        // foreign reader to resolve, and reads its own bytes back
        byte[] javaBytes = Topics.ROLLOUTS.valueSerde(serdes).serializer().serialize(topic, group);
        int javaId = ByteBuffer.wrap(javaBytes, 1, 4).getInt();
        String javaSchema = get(cluster, "/schemas/ids/" + javaId);
        assertFalse(javaSchema.contains("\"subject\":"), javaSchema);
        assertEquals(ResponseGroup.getClassSchema(), new Schema.Parser().parse(extractSchema(javaSchema)));
        assertEquals(group, Topics.ROLLOUTS.valueSerde(serdes).deserializer().deserialize(topic, javaBytes));
    }

    private static ResponseGroup sampleGroup() {
        int[] prompt = TestPolicies.TOKENIZER.encodePrompt("3+5=");
        SampledGroup sampled = new SampledGroup(new PreparedPrompt(TestPolicies.prompt("f-1", "3+5="), prompt), List.of(
            new SampledResponse(TestPolicies.TOKENIZER.encodeResponse("#8"), new float[] {-0.5f, -0.25f, -0.125f},
                FinishReason.EOS)));
        return ResponseGroups.build(sampled, new ResponseGroups.Provenance("py-worker-1", "policy", 4,
            SamplingSettings.unbiased(16), OptionalLong.empty()), TestPolicies.TOKENIZER, Instant.ofEpochMilli(5_000));
    }

    private static byte[] frame(int schemaId, ResponseGroup group) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(ResponseGroup.class).write(group, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static int register(ClusterEndpoints cluster, String subject, String schema) throws Exception {
        String body = "{\"schema\": " + jsonString(schema) + "}";
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(cluster.confluentCompatUrl() + "/subjects/" + subject + "/versions"))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new ObjectMapper().readTree(response.body()).get("id").asInt();
    }

    private static String get(ClusterEndpoints cluster, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(cluster.confluentCompatUrl() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    /** The "schema" string of a compat API answer. */
    private static String extractSchema(String json) throws Exception {
        return new ObjectMapper().readTree(json).get("schema").asText();
    }

    private static String jsonString(String s) throws Exception {
        return new ObjectMapper().valueToTree(s).toString();
    }
}
