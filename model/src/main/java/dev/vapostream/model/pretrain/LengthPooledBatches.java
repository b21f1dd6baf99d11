package dev.vapostream.model.pretrain;

import dev.vapostream.model.task.TaskExample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;

/**
 * Random training batches with little padding: draw a pool of several batches' worth of
 * examples uniformly, sort the pool by length, cut it into batches and hand those out in random
 * order. Every example is still drawn uniformly; only which examples share a batch changes,
 * and a padded batch costs as much as its longest row, so this roughly halves the work on a
 * task whose lengths vary by 40x.
 */
final class LengthPooledBatches {

    private static final int BATCHES_PER_POOL = 8;

    private final List<TaskExample> examples;
    private final int batchSize;
    private final ToIntFunction<TaskExample> length;
    private final SplittableRandom random;
    private final Deque<List<TaskExample>> ready = new ArrayDeque<>();

    LengthPooledBatches(List<TaskExample> examples, int batchSize, ToIntFunction<TaskExample> length, long seed) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        this.examples = List.copyOf(examples);
        this.batchSize = batchSize;
        this.length = length;
        this.random = new SplittableRandom(seed);
    }

    List<TaskExample> next() {
        if (ready.isEmpty()) {
            refill();
        }
        return ready.removeFirst();
    }

    private void refill() {
        List<TaskExample> pool = new ArrayList<>(batchSize * BATCHES_PER_POOL);
        for (int i = 0; i < batchSize * BATCHES_PER_POOL; i++) {
            pool.add(examples.get(random.nextInt(examples.size())));
        }
        pool.sort(Comparator.comparingInt(length));
        List<List<TaskExample>> batches = new ArrayList<>(BATCHES_PER_POOL);
        for (int start = 0; start < pool.size(); start += batchSize) {
            batches.add(pool.subList(start, start + batchSize));
        }
        // Fisher-Yates with the seeded generator, so the order is reproducible.
        for (int i = batches.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            List<TaskExample> swap = batches.get(i);
            batches.set(i, batches.get(j));
            batches.set(j, swap);
        }
        ready.addAll(batches);
    }
}
