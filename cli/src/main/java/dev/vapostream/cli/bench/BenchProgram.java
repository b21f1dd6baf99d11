package dev.vapostream.cli.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One of the programs a benchmark case compares: the command of round {@code r} (rounds count
 * from 1; a case may give each round its own seed or run folder) and how to read its figures
 * from the finished run.
 */
record BenchProgram(String name, IntFunction<List<String>> command, Reader reader) {

    /** A program of a lockstep case (see {@link BenchCase#lockstep()}): its step lines are its figures, so it has no reader. */
    static BenchProgram stepped(String name, IntFunction<List<String>> command) {
        return new BenchProgram(name, command, null);
    }

    /** The figures of one finished run, by name; a missing figure is an error, not a default. */
    @FunctionalInterface
    interface Reader {
        Map<String, Double> figures(ChildRun.Output output, int round, FollowUp followUp) throws IOException, InterruptedException;
    }

    /** Runs an untimed command after a program (e.g. evaluating the policy a training run left). */
    @FunctionalInterface
    interface FollowUp {
        ChildRun.Output run(String name, List<String> command) throws IOException, InterruptedException;
    }
}
