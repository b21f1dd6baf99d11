package dev.vapostream.cli.bench;

import java.util.List;

/**
 * A benchmark case: programs compared on the same work, run alternately in {@code rounds} rounds
 * (the order rotated every round, so none always runs first on a warm or cold machine), after an
 * optional untimed {@code setup} command.
 *
 * @param reproduce the shell commands a reader runs to reproduce the case by hand (for the docs)
 * @param lockstep  the programs run once each, side by side, and are stepped alternately one step at
 *                  a time ({@link LockstepRun}); {@code rounds} is then the number of timed steps of
 *                  each, and the programs' readers are not used: their step lines are the figures
 */
record BenchCase(String id, String title, int rounds, List<String> setup, List<BenchProgram> programs,
                 String reproduce, boolean lockstep) {

    BenchCase {
        if (!lockstep && programs.stream().anyMatch(p -> p.reader() == null)) {
            throw new IllegalArgumentException("case " + id + " runs in rounds, so every program needs a reader of its figures");
        }
    }

    BenchCase(String id, String title, int rounds, List<String> setup, List<BenchProgram> programs, String reproduce) {
        this(id, title, rounds, setup, programs, reproduce, false);
    }
}
