package dev.vapostream.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The {@code vapo} command: one subcommand per stage or task. */
public final class Vapo {
    private static final String USAGE = """
        usage: vapo <command> [--flag value ...]

        commands:
          train       the whole pipeline in one JVM on an embedded broker and registry (Ctrl-C stops,
                      re-run resumes): --run-dir runs/train, --task blind-spots, --preset vapo, --max-steps 300, ...
          ablate      VAPO, each VAPO-without-X, PPO and DAPO over seeds; resumable (--out runs/ablate)
          report      plots and an HTML page of a run folder; several folders overlay: vapo report RUN_A RUN_B
          dataset     write a built-in task's train/held-out JSONL (--task blind-spots, --out data/TASK)
          pretrain    train a task's weak base policy (--task, --out runs/base/TASK/policy.weights)
          eval        held-out accuracy of a policy, per length bucket (--task, --policy FILE, --data FILE)
          task        a built-in task's lengths, base success, hard share and critic bound (--task)
          cluster     start an embedded Kafka broker and schema registry on 127.0.0.1 with the
                      pipeline's topics, until Ctrl-C (--work-dir DIR, default runs/cluster)
          generator   run a rollout worker: prompts in, response groups out (docs/protocol.md)
          scorer      run the scoring stage (Kafka Streams); see docs/scorers.md for its settings
          advantage   run the advantage stage (Kafka Streams) against --bootstrap-servers/--registry-url
          learner     run the learner: admission, VAPO updates, weight versions, checkpoints (docs/learner.md)
          replay      recompute advantages over a recorded log with new settings (see docs/advantage.md)
          export      write a topic's records to an Avro container file (--topic, --file)
          import      publish an Avro container file's records to a topic (--file, --topic)
          help        this text
        """;

    private Vapo() {
    }

    /**
     * {@code vapo COMMAND --help}: the command's entry of the usage text, never a run of it. Every
     * flag of a command is documented in the page its entry names (docs/learner.md for train).
     */
    static int commandHelp(String command) {
        List<String> lines = USAGE.lines().toList();
        StringBuilder entry = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("  " + command + " ")) {
                entry.append(lines.get(i)).append('\n');
                for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("              "); j++) {
                    entry.append(lines.get(j)).append('\n');
                }
            }
        }
        if (entry.isEmpty()) {
            System.err.println("vapo: unknown command '" + command + "'");
            System.err.print(USAGE);
            return 2;
        }
        System.out.print("usage: vapo " + command + " [--flag value ...]\n\n" + entry
            + "\nFlags are the stage's settings with dashes (--max-steps for max.steps); README.md and docs/ list them.\n");
        return 0;
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(Arrays.asList(args)));
    }

    static int run(List<String> args) throws Exception {
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
            System.out.print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        if (rest.contains("--help") || rest.contains("-h")) {
            return commandHelp(args.get(0));
        }
        try {
            return switch (args.get(0)) {
                case "cluster" -> ClusterCommand.run(rest);
                case "train" -> TrainCommand.run(rest);
                case "ablate" -> AblateCommand.run(rest);
                case "report" -> {
                    if (rest.isEmpty()) {
                        throw new Flags.UsageException("report needs one or more run folders");
                    }
                    System.out.println("report: " + dev.vapostream.cli.report.RunReport.write(
                        rest.stream().map(Path::of).toList()));
                    yield 0;
                }
                case "dataset" -> TaskCommands.dataset(rest);
                case "pretrain" -> TaskCommands.pretrain(rest);
                case "eval" -> TaskCommands.eval(rest);
                case "task" -> TaskCommands.describe(rest);
                case "advantage" -> {
                    dev.vapostream.advantage.stream.AdvantageApp.run(StageProperties.from(rest));
                    yield 0;
                }
                case "generator" -> dev.vapostream.generator.GeneratorApp.run(StageProperties.from(rest)) ? 0 : 1;
                case "scorer" -> {
                    dev.vapostream.scorer.ScorerApp.main(StageProperties.asKeyValueArguments(StageProperties.from(rest)));
                    yield 0;
                }
                case "learner" -> {
                    dev.vapostream.learner.LearnerApp.run(StageProperties.from(rest));
                    yield 0;
                }
                case "replay" -> ReplayCommand.run(rest);
                case "export" -> RecordFilesCommand.export(rest);
                case "import" -> RecordFilesCommand.importFile(rest);
                default -> throw new Flags.UsageException("unknown command '" + args.get(0) + "'");
            };
        } catch (Flags.UsageException e) {
            System.err.println("vapo: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        } catch (IllegalArgumentException e) {
            // Config records reject bad settings with a message that says what to fix.
            System.err.println("vapo " + args.get(0) + ": " + e.getMessage());
            return 2;
        }
    }
}
