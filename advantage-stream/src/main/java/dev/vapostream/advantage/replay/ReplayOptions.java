package dev.vapostream.advantage.replay;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.io.BoundedTopicReader;

/**
 * What to replay and where to put it.
 *
 * @param bootstrapServers cluster to read (and write) topics on; null when only files are used
 * @param serdes           registry and serdes; null when only files are used
 * @param kafka            client settings passed through untouched
 * @param fromAdvantages   true: read recorded {@code AdvantageGroup}s and recompute from their stored
 *                         values (no model); false: read {@code ScoredGroup}s and run the critic
 * @param inputTopic       topic to read, or null when {@code inputFile} is set
 * @param inputFile        Avro container file to read, or null
 * @param start            where to start in the topic
 * @param until            stop at records with timestamp at or after this (null: the end at start)
 * @param settings         the advantage settings to replay with
 * @param baseline         settings to compare with on the scored path (the recorded advantages on the fast path)
 * @param outputTopic      topic to write the new advantage stream to, or null
 * @param outputFile       Avro container file to write it to, or null
 * @param criticWeights    encoded critic weights for the scored path; null: newest critic on {@code weightsTopic}
 * @param weightsTopic     where to look for the critic
 * @param criticModel      critic's model name on the weights topic
 */
public record ReplayOptions(String bootstrapServers, SerdeSettings serdes, Map<String, String> kafka,
                            boolean fromAdvantages, String inputTopic, Path inputFile,
                            BoundedTopicReader.Start start, Instant until,
                            EstimatorSettings settings, EstimatorSettings baseline,
                            String outputTopic, Path outputFile, Path criticWeights, String weightsTopic,
                            String criticModel) {

    public ReplayOptions {
        if ((inputTopic == null) == (inputFile == null)) {
            throw new IllegalArgumentException("give exactly one input: a topic (--input-topic) or a file (--input-file)");
        }
        if (outputTopic == null && outputFile == null) {
            throw new IllegalArgumentException("give an output: --output-topic or --output-file");
        }
        if ((inputTopic != null || outputTopic != null) && (bootstrapServers == null || serdes == null)) {
            throw new IllegalArgumentException("topics need --bootstrap-servers and --registry-url");
        }
        if (settings == null) {
            throw new IllegalArgumentException("settings are required");
        }
        kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
        start = start == null ? BoundedTopicReader.Start.beginning() : start;
    }
}
