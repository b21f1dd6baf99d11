package dev.vapostream.learner.algo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The rows the critic trains on: the newest batch pooled with the batches before it, up to
 * {@code capacity} batches, and each step's critic batch drawn from the whole pool. A batch of
 * P × G samples holds only P prompts, and a critic trained on each batch alone chases those
 * prompts' mean returns instead of learning what predicts a return (docs/results.md, "The
 * critic"); rows drawn from many batches mix many prompts. Capacity 1 is the newest batch as it
 * came, nothing drawn. A learner may draw more than once a step (critic-replay-redraw: new rows
 * for each critic epoch). The pool lives in memory only: a resumed learner starts with an empty
 * one.
 */
public final class CriticReplay {
    private final int capacity;
    private final Deque<TrainingBatch> pool = new ArrayDeque<>();
    private long draws;

    /** @param capacity batches pooled, at least 1 */
    public CriticReplay(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("critic-replay must be at least 1 batch, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds {@code newest} to the pool, dropping the oldest batch beyond capacity. */
    public void add(TrainingBatch newest) {
        pool.addLast(newest);
        while (pool.size() > capacity) {
            pool.removeFirst();
        }
    }

    /**
     * The critic's rows: {@code rows} of them (at most all the pool holds) drawn without
     * replacement from the whole pool with {@code random}. With capacity 1 it is the newest batch
     * itself, and {@code random} is not used.
     */
    public TrainingBatch draw(int rows, SplittableRandom random) {
        if (pool.isEmpty()) {
            throw new IllegalStateException("nothing to draw: the critic replay pool is empty");
        }
        draws++;
        if (capacity == 1) {
            return pool.getLast();
        }
        List<TrainingBatch> batches = new ArrayList<>(pool);
        int total = batches.stream().mapToInt(TrainingBatch::size).sum();
        int[] order = Permutations.of(total, random);
        int n = Math.min(rows, total);
        Rows drawn = new Rows(n);
        for (int k = 0; k < n; k++) {
            int row = order[k];
            int b = 0;
            while (row >= batches.get(b).size()) {
                row -= batches.get(b).size();
                b++;
            }
            drawn.add(batches.get(b), row);
        }
        return drawn.batch();
    }

    /** Times rows were drawn since this pool was made. */
    public long draws() {
        return draws;
    }

    /** Batches pooled now. */
    public int pooled() {
        return pool.size();
    }

    private static final class Rows {
        private final List<int[]> prompts = new ArrayList<>();
        private final List<int[]> responses = new ArrayList<>();
        private final float[][] behaviour;
        private final float[][] advantages;
        private final float[][] returns;
        private final float[][] oldValues;
        private final float[][] weights;
        private final double[] rewards;
        private final boolean[] positive;
        private int size;

        Rows(int n) {
            behaviour = new float[n][];
            advantages = new float[n][];
            returns = new float[n][];
            oldValues = new float[n][];
            weights = new float[n][];
            rewards = new double[n];
            positive = new boolean[n];
        }

        void add(TrainingBatch from, int i) {
            prompts.add(from.prompts().get(i));
            responses.add(from.responses().get(i));
            behaviour[size] = from.behaviour()[i];
            advantages[size] = from.advantages()[i];
            returns[size] = from.returns()[i];
            oldValues[size] = from.oldValues()[i];
            weights[size] = from.weights()[i];
            rewards[size] = from.rewards()[i];
            positive[size] = from.positive()[i];
            size++;
        }

        TrainingBatch batch() {
            return new TrainingBatch(prompts, responses, behaviour, advantages, returns, oldValues, weights, rewards, positive);
        }
    }
}
