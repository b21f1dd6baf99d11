package dev.vapostream.cli;

import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.avro.WeightChunk;

/** The Kafka key each wire record is published under (see docs/wire-contract.md). */
final class RecordKeys {
    private RecordKeys() {
    }

    static String of(Object record) {
        if (record instanceof Prompt p) {
            return p.getId();
        } else if (record instanceof ResponseGroup g) {
            return g.getPromptId();
        } else if (record instanceof ScoredGroup g) {
            return g.getRollout().getPromptId();
        } else if (record instanceof AdvantageGroup g) {
            return g.getPromptId();
        } else if (record instanceof WeightChunk c) {
            return Topics.weightChunkKey(c.getModelName(), c.getChunkIndex());
        } else if (record instanceof TrainMetrics m) {
            return m.getRunId();
        }
        throw new IllegalArgumentException("no key rule for " + record.getClass().getName());
    }
}
