package dev.vapostream.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.vapostream.advantage.stream.AdvantageApp;
import dev.vapostream.advantage.stream.AdvantageConfig;
import dev.vapostream.cli.report.RunReport;
import dev.vapostream.generator.GeneratorApp;
import dev.vapostream.generator.GeneratorConfig;
import dev.vapostream.learner.LearnerApp;
import dev.vapostream.learner.LearnerConfig;
import dev.vapostream.schemas.settings.SettingsSpec;
import dev.vapostream.scorer.ScorerApp;
import dev.vapostream.scorer.ScorerConfig;

/**
 * The {@code vapo} command: one subcommand per stage or task. Every subcommand's flags are the
 * settings its stage or command declares; {@code vapo COMMAND --help} lists them.
 */
public final class Vapo {
    private static final SettingsSpec NO_FLAGS = SettingsSpec.of("vapo report", List.of(), List.of());

    static final List<SettingsCommand> COMMANDS = List.of(
        SettingsCommand.stage("train", "The whole pipeline in one JVM on an embedded broker and registry kept in the run"
            + " folder (Ctrl-C stops, re-running resumes).", TrainCommand.SPEC, (p, a) -> TrainCommand.run(p)),
        SettingsCommand.stage("train-sync", "The same training without Kafka: sample, score, value, update in turn in one"
            + " thread (the baseline vapo train is measured against).", TrainSyncCommand.SPEC,
            (p, a) -> TrainSyncCommand.run(p)),
        SettingsCommand.of("bench", "Every benchmark of docs/benchmarks.md in one run, alternated, to JSON and rendered"
            + " markdown.", BenchCommand.SPEC, (p, a) -> BenchCommand.run(p)),
        SettingsCommand.stage("ablate", "VAPO, each VAPO-without-X, PPO and DAPO over seeds at equal samples, each run a"
            + " vapo train; resumable.", AblateCommand.SPEC, (p, a) -> AblateCommand.run(p)),
        SettingsCommand.withPositionals("report", "Plots and an HTML page of a run folder; several folders overlay.",
            NO_FLAGS, "RUN_DIR", (p, runs) -> {
                System.out.println("report: " + RunReport.write(runs.stream().map(Path::of).toList()));
                return 0;
            }),
        SettingsCommand.of("dataset", "Writes a built-in task's train and held-out JSONL.", TaskCommands.DATASET,
            (p, a) -> TaskCommands.dataset(p)),
        SettingsCommand.of("pretrain", "Trains a task's weak base policy.", TaskCommands.PRETRAIN,
            (p, a) -> TaskCommands.pretrain(p)),
        SettingsCommand.of("eval", "Held-out accuracy of a policy, per length bucket.", TaskCommands.EVAL,
            (p, a) -> TaskCommands.eval(p)),
        SettingsCommand.of("task", "A built-in task's lengths, base success, hard share and critic bound.",
            TaskCommands.DESCRIBE, (p, a) -> TaskCommands.describe(p)),
        SettingsCommand.of("cluster", "An embedded Kafka broker and schema registry on 127.0.0.1 with the pipeline's"
            + " topics, until Ctrl-C.", ClusterCommand.SPEC, (p, a) -> ClusterCommand.run(p)),
        SettingsCommand.stage("generator", "A rollout worker: prompts in, response groups out (docs/protocol.md).",
            GeneratorConfig.SPEC, (p, a) -> GeneratorApp.run(p)),
        SettingsCommand.stage("scorer", "The scoring stage (Kafka Streams; docs/scorers.md).", ScorerConfig.SPEC,
            (p, a) -> ScorerApp.run(p)),
        SettingsCommand.stage("advantage", "The advantage stage (Kafka Streams; docs/advantage.md).", AdvantageConfig.SPEC,
            (p, a) -> AdvantageApp.run(p)),
        SettingsCommand.stage("learner", "The learner: admission, VAPO updates, weight versions, checkpoints"
            + " (docs/learner.md).", LearnerConfig.SPEC, (p, a) -> LearnerApp.run(p)),
        SettingsCommand.stage("replay", "Recomputes advantages over a recorded log with new settings"
            + " (docs/advantage.md).", ReplayCommand.SPEC, (p, a) -> ReplayCommand.run(p)),
        SettingsCommand.of("export", "Writes a topic's records to an Avro container file.", RecordFilesCommand.SPEC,
            (p, a) -> RecordFilesCommand.export(p)),
        SettingsCommand.of("import", "Publishes an Avro container file's records to a topic.", RecordFilesCommand.SPEC,
            (p, a) -> RecordFilesCommand.importFile(p)));

    private static final Map<String, SettingsCommand> BY_NAME = SettingsCommand.byName(COMMANDS);

    private Vapo() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(Arrays.asList(args)));
    }

    /** Runs one command: 0 on success, 2 on a wrong command line or bad settings, else the command's code. */
    static int run(List<String> args) throws Exception {
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            System.out.print(usage());
            return args.isEmpty() ? 2 : 0;
        }
        SettingsCommand command = BY_NAME.get(args.get(0));
        if (command == null) {
            System.err.println("vapo: unknown command '" + args.get(0) + "'");
            System.err.print(usage());
            return 2;
        }
        try {
            return command.execute(args.subList(1, args.size()), System.out, System.err);
        } catch (UsageException | IllegalArgumentException e) {
            // Config records and commands reject bad settings with a message that says what to fix.
            System.err.println("vapo " + command.name() + ": " + e.getMessage());
            return 2;
        }
    }

    /** The list of commands with a line each. */
    static String usage() {
        StringBuilder text = new StringBuilder("usage: vapo COMMAND [--flag value ...]\n\ncommands:\n");
        for (SettingsCommand c : COMMANDS) {
            text.append(String.format(Locale.ROOT, "  %-10s %s%n", c.name(), c.summary()));
        }
        return text.append("\n'vapo COMMAND --help' lists a command's flags, their defaults and what they do.\n").toString();
    }
}
