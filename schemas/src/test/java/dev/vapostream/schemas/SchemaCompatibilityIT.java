package dev.vapostream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.testing.SharedCluster;
import dev.vapostream.infra.testing.TestTopics;
import dev.vapostream.schemas.avro.Prompt;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedCluster.class)
class SchemaCompatibilityIT {

    @Test
    void everyCurrentSchemaIsBackwardCompatibleWithItsReleasedCopy(ClusterEndpoints cluster) throws Exception {
        ConfluentCompatApi registry = new ConfluentCompatApi(cluster.confluentCompatUrl());
        List<String> incompatible = new ArrayList<>();
        for (TopicDescriptor<?> topic : Topics.ALL) {
            // Given the released schema registered under a BACKWARD subject
            String subject = TestTopics.unique(topic.name()) + "-value";
            assertEquals(200, registry.register(subject, ReleasedSchemas.text(topic)).status(), subject);
            assertEquals(200, registry.setCompatibility(subject, "BACKWARD").status(), subject);

            // When the registry checks the current schema against it
            String current = SchemaContractTest.schemaOf(topic).toString();
            if (!registry.isCompatibleWithLatest(subject, current)) {
                incompatible.add(topic.valueType().getSimpleName());
            }
        }
        // Then every one is accepted
        assertEquals(List.of(), incompatible, "schemas no longer BACKWARD compatible with release " + ReleasedSchemas.RELEASE);
    }

    @Test
    void aFieldAddedWithoutDefaultIsRejectedByTheRegistry(ClusterEndpoints cluster) throws Exception {
        // Given the Prompt schema under BACKWARD compatibility
        ConfluentCompatApi registry = new ConfluentCompatApi(cluster.confluentCompatUrl());
        String subject = TestTopics.unique("prompt-compat") + "-value";
        registry.register(subject, ReleasedSchemas.text(Topics.PROMPTS));
        registry.setCompatibility(subject, "BACKWARD");

        // When a new version adds a required field
        Schema broken = withRequiredField(Prompt.getClassSchema(), "difficulty");

        // Then the compatibility API says no and registration is refused
        assertFalse(registry.isCompatibleWithLatest(subject, broken.toString()));
        int status = registry.register(subject, broken.toString()).status();
        assertEquals(409, status, "registering an incompatible schema must be refused");

        // While the same field with a default is fine
        assertTrue(registry.isCompatibleWithLatest(subject, withOptionalField(Prompt.getClassSchema(), "difficulty").toString()));
    }

    private static Schema withRequiredField(Schema base, String name) {
        return copyWith(base, new Schema.Field(name, SchemaBuilder.builder().intType(), "added", (Object) null));
    }

    private static Schema withOptionalField(Schema base, String name) {
        return copyWith(base, new Schema.Field(name, SchemaBuilder.builder().intType(), "added", 0));
    }

    private static Schema copyWith(Schema base, Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : base.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(extra);
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }
}
