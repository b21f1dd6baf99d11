package dev.vapostream.model.task;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates running-sum problems deterministically from a seed: the same seed, split and count
 * give the same examples on every machine. The term count is uniform over 1..10, so short and
 * long chains of thought are equally common.
 *
 * <p>Splits are disjoint by construction for problems of three or more terms: a problem belongs
 * to the held-out split iff a stable hash of its prompt falls in one tenth of the hash range.
 * One- and two-term problems (only 9 and 81 of them exist) are shared by both splits.
 */
public final class TaskGenerator {

    private static final int HELD_OUT_SHARE = 10;
    private static final int SPLIT_FROM_TERMS = 3;

    private final long seed;

    public TaskGenerator(long seed) {
        this.seed = seed;
    }

    public List<TaskExample> generate(Split split, int count) {
        SplittableRandom random = new SplittableRandom(seed * 31 + split.ordinal());
        List<TaskExample> examples = new ArrayList<>(count);
        while (examples.size() < count) {
            // The term count is drawn once and only the terms are redrawn until the problem falls
            // in this split, so both splits keep the same uniform term-count distribution.
            int terms = random.nextInt(RunningSumProblem.MIN_TERMS, RunningSumProblem.MAX_TERMS + 1);
            RunningSumProblem problem = randomProblem(terms, random);
            while (!belongsTo(problem, split)) {
                problem = randomProblem(terms, random);
            }
            examples.add(problem.toExample(String.format("%s-%06d", split.idPrefix(), examples.size())));
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
