package dev.vapostream.model.task;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates a built-in task's problems deterministically from a seed: the same task, seed, split
 * and count give the same examples on every machine. The term count is uniform over the task's
 * range, so short and long chains of thought are equally common. Problems the task's teacher
 * almost never solves are tagged {@code hard} ({@link BuiltInTask#toExample}).
 *
 * <p>Splits are disjoint by construction for problems of three or more terms: a problem belongs
 * to the held-out split iff a stable hash of its prompt falls in one tenth of the hash range.
 * Two-term problems (only 81 of them exist) are shared by both splits.
 */
public final class TaskGenerator {

    private static final int HELD_OUT_SHARE = 10;
    private static final int SPLIT_FROM_TERMS = 3;

    private final BuiltInTask task;
    private final long seed;

    public TaskGenerator(BuiltInTask task, long seed) {
        this.task = task;
        this.seed = seed;
    }

    public List<TaskExample> generate(Split split, int count) {
        SplittableRandom random = new SplittableRandom(seed * 31 + split.ordinal());
        List<TaskExample> examples = new ArrayList<>(count);
        while (examples.size() < count) {
            // The term count is drawn once and only the terms are redrawn until the problem falls
            // in this split, so both splits keep the same uniform term-count distribution.
            int terms = random.nextInt(task.minTerms(), task.maxTerms() + 1);
            RunningSumProblem problem = randomProblem(terms, random);
            while (!belongsTo(problem, split)) {
                problem = randomProblem(terms, random);
            }
            examples.add(task.toExample(problem, String.format("%s-%06d", split.idPrefix(), examples.size())));
        }
        return examples;
    }

    /** Which split a problem may be drawn for. */
    static boolean belongsTo(RunningSumProblem problem, Split split) {
        if (problem.termCount() < SPLIT_FROM_TERMS) {
            return true;
        }
        boolean heldOut = Math.floorMod(mix(problem.prompt().hashCode()), HELD_OUT_SHARE) == 0;
        return heldOut == (split == Split.HELD_OUT);
    }

    private static RunningSumProblem randomProblem(int terms, SplittableRandom random) {
        int[] values = new int[terms];
        for (int i = 0; i < terms; i++) {
            values[i] = random.nextInt(1, 10);
        }
        return new RunningSumProblem(values);
    }

    /** Spreads String.hashCode (specified by the JLS, so stable) over all residues. */
    private static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
