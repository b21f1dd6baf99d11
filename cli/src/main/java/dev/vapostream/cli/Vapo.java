package dev.vapostream.cli;

import java.util.Arrays;
import java.util.List;

/** The {@code vapo} command: one subcommand per stage or task. */
public final class Vapo {
    private static final String USAGE = """
        usage: vapo <command> [--flag value ...]

        commands:
          cluster   start an embedded Kafka broker and schema registry on 127.0.0.1 with the
                    pipeline's topics, until Ctrl-C (--work-dir DIR, default runs/cluster)
          help      this text
        """;

    private Vapo() {
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
        try {
            return switch (args.get(0)) {
                case "cluster" -> ClusterCommand.run(rest);
                default -> throw new Flags.UsageException("unknown command '" + args.get(0) + "'");
            };
        } catch (Flags.UsageException e) {
            System.err.println("vapo: " + e.getMessage());
            System.err.print(USAGE);
            return 2;
        }
    }
}
