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
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;

/**
 * {@code vapo replay}: advantage computation re-run over a recorded log with new settings: the
 * estimator keys of the advantage stage ({@code --estimator, --alpha, --gamma, --lambda-policy,
 * --lambda-critic}) and the log's bounds ({@link #SPEC}).
 */
final class ReplayCommand {
    static final Setting<String> BOOTSTRAP_SERVERS = Setting.optionalText("bootstrap.servers",
        "the cluster; not needed from file to file");
    static final Setting<String> REGISTRY_URL = Setting.optionalText("registry.url", "the schema registry, with a cluster");
    static final Setting<String> FROM = Setting.choice("from",
        "scored: the critic values the responses again; advantages: the stored values, no model", "scored", "advantages");
    static final Setting<String> INPUT_TOPIC = Setting.optionalText("input.topic",
        "the log read; default vapo.scored or vapo.advantages");
    static final Setting<String> INPUT_FILE = Setting.optionalText("input.file", "an Avro file (vapo export) read instead");
    static final Setting<Long> START_OFFSET = Setting.optionalLong("start.offset", "first offset; default the beginning");
    static final Setting<String> START_TIME = Setting.optionalText("start.time",
        "first record time, ISO-8601 (2026-11-21T10:00:00Z); not with start.offset");
    static final Setting<String> UNTIL_TIME = Setting.optionalText("until.time",
        "last record time, ISO-8601; default the end at start");
    static final Setting<String> OUTPUT_TOPIC = Setting.optionalText("output.topic", "where the new records go");
    static final Setting<String> OUTPUT_FILE = Setting.optionalText("output.file", "an Avro file written instead");
    static final Setting<String> CRITIC_WEIGHTS = Setting.optionalText("critic.weights",
        "critic for the scored path; default the newest on weights.topic");
    static final Setting<String> WEIGHTS_TOPIC = Setting.text("weights.topic", Topics.WEIGHTS.name(),
        "where the critic's versions are read");
    static final Setting<String> CRITIC_MODEL = Setting.text("critic.model", "critic", "the critic's name there");

    static final SettingsSpec SPEC = SettingsSpec.of("vapo replay", List.of(BOOTSTRAP_SERVERS, REGISTRY_URL, FROM,
            INPUT_TOPIC, INPUT_FILE, START_OFFSET, START_TIME, UNTIL_TIME, OUTPUT_TOPIC, OUTPUT_FILE, CRITIC_WEIGHTS,
            WEIGHTS_TOPIC, CRITIC_MODEL), List.of(ClientSettings.PREFIX, SerdeSettings.PREFIX))
        .plus(AdvantageConfig.ESTIMATOR_SPEC);

    private ReplayCommand() {
    }

    static int run(Properties p) {
        Settings s = SPEC.read(p);
        boolean fromAdvantages = s.get(FROM).equals("advantages");
        String inputFile = s.get(INPUT_FILE);
        String inputTopic = inputFile != null ? null : s.get(INPUT_TOPIC) != null ? s.get(INPUT_TOPIC)
            : fromAdvantages ? Topics.ADVANTAGES.name() : Topics.SCORED.name();
        String registry = s.get(REGISTRY_URL);
        Map<String, String> kafka = ClientSettings.from(p);
        ReplayOptions options = new ReplayOptions(s.get(BOOTSTRAP_SERVERS),
            registry == null ? null : SerdeSettings.fromProperties(registry, p),
            kafka, fromAdvantages, inputTopic, path(inputFile), start(s), time(s, UNTIL_TIME),
            AdvantageConfig.estimatorFrom(p), null, s.get(OUTPUT_TOPIC), path(s.get(OUTPUT_FILE)),
            path(s.get(CRITIC_WEIGHTS)), s.get(WEIGHTS_TOPIC), s.get(CRITIC_MODEL));
        Replayer.Report report = Replayer.run(options);
        System.out.printf("replayed %d groups (%d skipped as invalid)%s%n", report.groups(), report.invalid(),
            report.criticVersion() == null ? "" : " with critic v" + report.criticVersion());
        report.problems().forEach(problem -> System.out.println("  skipped: " + problem));
        System.out.print(report.table());
        return 0;
    }

    private static BoundedTopicReader.Start start(Settings s) {
        Instant time = time(s, START_TIME);
        if (s.get(START_OFFSET) != null && time != null) {
            throw new UsageException("give --start-offset or --start-time, not both");
        }
        return new BoundedTopicReader.Start(s.get(START_OFFSET), time);
    }

    private static Instant time(Settings s, Setting<String> key) {
        String v = s.get(key);
        try {
            return v == null ? null : Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            throw new UsageException(key.flag() + " must be an ISO-8601 instant like 2026-11-21T10:00:00Z");
        }
    }

    private static Path path(String v) {
        return v == null ? null : Path.of(v);
    }
}
