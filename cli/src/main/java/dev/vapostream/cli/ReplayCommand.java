package dev.vapostream.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.vapostream.schemas.io.BoundedTopicReader;
import dev.vapostream.advantage.replay.ReplayOptions;
import dev.vapostream.advantage.replay.Replayer;
import dev.vapostream.advantage.stream.AdvantageConfig;
import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.Topics;

/**
 * {@code vapo replay}: advantage computation re-run over a recorded log with new settings.
 *
 * <pre>
 * --bootstrap-servers, --registry-url   the cluster (not needed for file to file)
 * --from scored|advantages              scored: critic re-values the responses; advantages: stored values, no model
 * --input-topic T | --input-file F      default topic vapo.scored / vapo.advantages
 * --start-offset N | --start-time ISO   default: from the beginning
 * --until-time ISO                      default: up to the end at start
 * --estimator, --alpha, --gamma, --lambda-policy, --lambda-critic   the new settings
 * --output-topic T | --output-file F
 * --critic-weights F                    critic for the scored path; default: newest on --weights-topic
 * </pre>
 */
final class ReplayCommand {
    private ReplayCommand() {
    }

    static int run(List<String> args) {
        Properties p = StageProperties.from(args);
        boolean fromAdvantages = switch (p.getProperty("from", "scored")) {
            case "scored" -> false;
            case "advantages" -> true;
            default -> throw new Flags.UsageException("--from must be scored or advantages");
        };
        String inputFile = p.getProperty("input.file");
        String inputTopic = inputFile != null ? null
            : p.getProperty("input.topic", fromAdvantages ? Topics.ADVANTAGES.name() : Topics.SCORED.name());
        String bootstrap = p.getProperty("bootstrap.servers");
        String registry = p.getProperty("registry.url");
        Map<String, String> kafka = ClientSettings.from(p);
        ReplayOptions options = new ReplayOptions(bootstrap, registry == null ? null : SerdeSettings.fromProperties(registry, p),
            kafka, fromAdvantages, inputTopic, path(p, "input.file"), start(p), time(p, "until.time"),
            AdvantageConfig.estimatorFrom(p), null, p.getProperty("output.topic"), path(p, "output.file"),
            path(p, "critic.weights"), p.getProperty("weights.topic", Topics.WEIGHTS.name()),
            p.getProperty("critic.model", "critic"));
        Replayer.Report report = Replayer.run(options);
        System.out.printf("replayed %d groups (%d skipped as invalid)%s%n", report.groups(), report.invalid(),
            report.criticVersion() == null ? "" : " with critic v" + report.criticVersion());
        report.problems().forEach(problem -> System.out.println("  skipped: " + problem));
        System.out.print(report.table());
        return 0;
    }

    private static BoundedTopicReader.Start start(Properties p) {
        String offset = p.getProperty("start.offset");
        Instant time = time(p, "start.time");
        if (offset != null && time != null) {
            throw new Flags.UsageException("give --start-offset or --start-time, not both");
        }
        try {
            return new BoundedTopicReader.Start(offset == null ? null : Long.parseLong(offset), time);
        } catch (NumberFormatException e) {
            throw new Flags.UsageException("--start-offset must be an integer, got '" + offset + "'");
        }
    }

    private static Instant time(Properties p, String key) {
        String v = p.getProperty(key);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new Flags.UsageException("--" + key.replace('.', '-') + " must be an ISO-8601 instant like 2026-11-21T10:00:00Z");
        }
    }

    private static Path path(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null ? null : Path.of(v);
    }
}
