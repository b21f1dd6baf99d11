package dev.vapostream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import dev.vapostream.cli.bench.BenchSuite;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;

/**
 * {@code vapo bench}: every benchmark of docs/benchmarks.md in one run, the compared programs
 * alternated, medians over rounds, load and memory recorded, results to JSON and the docs
 * section rendered from them ({@link BenchSuite}).
 */
final class BenchCommand {
    static final Setting<String> OUT = Setting.text("out", "runs/bench/bench.json",
        "the results file; a case run again replaces its entry, the others stay");
    static final Setting<String> ONLY = Setting.optionalText("only",
        "comma-separated cases to run: gae, sampling, advantage, learner-step, pipeline, scaling-length, scaling-group,"
            + " scaling-workers; default all");
    static final Setting<Integer> SEEDS = Setting.integer("seeds", 3, "rounds (seeds) of the pipeline comparison");
    static final Setting<Integer> STEPS = Setting.integer("steps", 60,
        "policy updates of each training run (pipeline comparison, worker scaling)");
    static final Setting<String> DOCS = Setting.optionalText("docs",
        "a markdown file whose vapo-bench section is replaced by the report, e.g. docs/benchmarks.md");
    static final Setting<Boolean> RENDER_ONLY = Setting.bool("render.only", false,
        "render the results file (to stdout, and into --docs) without running anything");

    static final SettingsSpec SPEC = SettingsSpec.of("vapo bench", List.of(OUT, ONLY, SEEDS, STEPS, DOCS, RENDER_ONLY),
        List.of());

    private BenchCommand() {
    }

    static int run(Properties flags) throws Exception {
        Settings s = SPEC.read(flags);
        Path out = Path.of(s.get(OUT));
        Path docs = s.get(DOCS) == null ? null : Path.of(s.get(DOCS));
        if (s.get(RENDER_ONLY)) {
            String report = BenchSuite.render(out);
            if (docs != null) {
                Files.writeString(docs, BenchSuite.replaceSection(Files.readString(docs), report, docs));
            }
            System.out.print(report);
            return 0;
        }
        Set<String> only = s.get(ONLY) == null ? Set.of()
            : Arrays.stream(s.get(ONLY).split(",")).map(String::trim).filter(x -> !x.isEmpty()).collect(Collectors.toSet());
        try {
            BenchSuite.run(Path.of("").toAbsolutePath(), out, only, s.get(SEEDS), s.get(STEPS), docs);
            return 0;
        } catch (IOException e) {
            System.err.println("vapo bench: " + e.getMessage());
            return 1;
        }
    }
}
