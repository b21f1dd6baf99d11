package dev.vapostream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class SchemaContractTest {

    @Test
    void everyFieldOfEveryWireRecordHasADoc() {
        List<String> undocumented = new ArrayList<>();
        for (TopicDescriptor<?> topic : Topics.ALL) {
            visit(schemaOf(topic), new HashSet<>(), s -> {
                if (s.getType() == Schema.Type.RECORD) {
                    for (Schema.Field f : s.getFields()) {
                        if (f.doc() == null || f.doc().isBlank()) {
                            undocumented.add(s.getFullName() + "." + f.name());
                        }
                    }
                }
            });
        }
        assertEquals(List.of(), undocumented, "fields without a doc");
    }

    @Test
    void everyEnumHasADefaultSymbolSoReadersSurviveNewSymbols() {
        List<String> problems = new ArrayList<>();
        for (TopicDescriptor<?> topic : Topics.ALL) {
            visit(schemaOf(topic), new HashSet<>(), s -> {
                if (s.getType() == Schema.Type.ENUM
                    && (s.getEnumDefault() == null || !s.getEnumSymbols().contains(s.getEnumDefault()))) {
                    problems.add(s.getFullName());
                }
            });
        }
        assertEquals(List.of(), problems, "enums without a valid default");
    }

    @Test
    void everyTopicHasAReleasedSchemaCopyAndADeadLetterTopic() {
        for (TopicDescriptor<?> topic : Topics.ALL) {
            assertNotNull(getClass().getResource(ReleasedSchemas.path(topic)), "no released copy for " + topic.name());
            assertEquals(topic.name() + ".dlq", topic.deadLetterTopic());
        }
        Set<String> names = new HashSet<>();
        Topics.ALL.forEach(t -> names.add(t.name()));
        assertEquals(Topics.ALL.size(), names.size(), "topic names must be unique");
    }

    @Test
    void renamedDescriptorKeepsEverythingButTheName() {
        TopicDescriptor<?> renamed = Topics.WEIGHTS.withName("test.weights");
        assertEquals("test.weights", renamed.name());
        assertEquals("test.weights.dlq", renamed.deadLetterTopic());
        assertEquals(Topics.WEIGHTS.topicConfigs(), renamed.topicConfigs());
        assertEquals(Topics.WEIGHTS.valueType(), renamed.valueType());
    }

    static Schema schemaOf(TopicDescriptor<?> topic) {
        return SpecificData.get().getSchema(topic.valueType());
    }

    private static void visit(Schema schema, Set<String> seen, java.util.function.Consumer<Schema> action) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    action.accept(schema);
                    schema.getFields().forEach(f -> visit(f.schema(), seen, action));
                }
            }
            case ENUM -> {
                if (seen.add(schema.getFullName())) {
                    action.accept(schema);
                }
            }
            case ARRAY -> visit(schema.getElementType(), seen, action);
            case MAP -> visit(schema.getValueType(), seen, action);
            case UNION -> schema.getTypes().forEach(t -> visit(t, seen, action));
            default -> {
            }
        }
    }

    @Test
    void visitorReachesNestedTypes() {
        Set<String> names = new HashSet<>();
        visit(schemaOf(Topics.SCORED), new HashSet<>(), s -> names.add(s.getName()));
        assertTrue(names.containsAll(Set.of("ScoredGroup", "ResponseGroup", "SampledResponse", "FinishReason",
            "ResponseScore", "RewardComponent", "ScorerId", "SamplingSettings")), names.toString());
    }
}
