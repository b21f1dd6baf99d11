package dev.vapostream.cli.bench;

import java.util.List;

/**
 * A benchmark case: programs compared on the same work, run alternately in {@code rounds} rounds
 * (the order rotated every round, so none always runs first on a warm or cold machine), after an
 * optional untimed {@code setup} command.
 *
 * @param reproduce the shell commands a reader runs to reproduce the case by hand (for the docs)
 */
record BenchCase(String id, String title, int rounds, List<String> setup, List<BenchProgram> programs,
                 String reproduce) {
}
