package dev.vapostream.scorer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scorer chain on one group in a worker thread with a time limit for the whole group.
 * A scorer that overruns is interrupted and abandoned; the next group gets a fresh worker, so a
 * scorer that ignores interrupts cannot block the stage (its thread is a daemon and is counted).
 */
final class TimeLimitedScoring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimeLimitedScoring.class);
    private final List<Scorer> chain;
    private final Duration limit;
    private final ExecutorService workers;
    private final AtomicInteger abandoned = new AtomicInteger();

    TimeLimitedScoring(List<Scorer> chain, Duration limit, String threadPrefix) {
        this.chain = List.copyOf(chain);
        this.limit = limit;
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread t = new Thread(runnable, threadPrefix + "-worker-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Cached pool: normally one worker reused; a worker stuck in a timed-out scorer is replaced.
        this.workers = Executors.newCachedThreadPool(factory);
    }

    /**
     * The chain's scores for {@code group}: {@code result.get(s).get(r)} is scorer s's score of
     * response r.
     *
     * @throws ScoringFailedException  a scorer threw or returned a malformed result
     * @throws ScoringTimeoutException the chain did not finish within the limit
     */
    List<List<Score>> score(ResponseGroup group) {
        AtomicReference<Scorer> running = new AtomicReference<>();
        Future<List<List<Score>>> future = workers.submit(() -> runChain(group, running));
        try {
            return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            int stuck = abandoned.incrementAndGet();
            Scorer culprit = running.get();
            String who = culprit == null ? "the chain" : "scorer " + culprit.name() + "@" + culprit.version();
            if (stuck % 10 == 1) {
                LOG.warn("{} timed-out scoring workers interrupted so far (a scorer that ignores interrupts keeps its thread)", stuck);
            }
            throw new ScoringTimeoutException("group " + group.getPromptId() + ": " + who + " did not finish within "
                + limit.toMillis() + " ms (" + ScorerConfig.GROUP_TIMEOUT_MS + ")");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ScoringFailedException failed) {
                throw failed;
            }
            throw new ScoringFailedException("group " + group.getPromptId() + ": scoring failed", cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            // The stream thread is being stopped: not the group's fault, so no dead letter. The task's
            // transaction is aborted and the group is scored again after the rebalance.
            throw new TaskMigratedException("interrupted while scoring group " + group.getPromptId(), e);
        }
    }

    private List<List<Score>> runChain(ResponseGroup group, AtomicReference<Scorer> running) {
        int responses = group.getResponses().size();
        List<List<Score>> results = new ArrayList<>(chain.size());
        for (Scorer scorer : chain) {
            running.set(scorer);
            List<Score> scores;
            try {
                // A deep copy per scorer: a scorer that modifies its input cannot change the output or the next scorer's input.
                scores = scorer.score(ResponseGroup.newBuilder(group).build());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScoringFailedException("group " + group.getPromptId() + ": scorer " + scorer.name()
                    + " was interrupted", e);
            } catch (Exception | LinkageError | StackOverflowError e) {
                throw new ScoringFailedException("group " + group.getPromptId() + ": scorer " + scorer.name() + "@"
                    + scorer.version() + " failed", e);
            }
            if (scores == null || scores.size() != responses) {
                throw new ScoringFailedException("group " + group.getPromptId() + ": scorer " + scorer.name() + "@"
                    + scorer.version() + " returned " + (scores == null ? "null" : scores.size() + " scores")
                    + " for " + responses + " responses");
            }
            for (int i = 0; i < responses; i++) {
                if (scores.get(i) == null) {
                    throw new ScoringFailedException("group " + group.getPromptId() + ": scorer " + scorer.name()
                        + " returned no score for response " + i);
                }
            }
            results.add(List.copyOf(scores));
        }
        return results;
    }

    /** Workers abandoned after a timeout, since this instance was created. */
    int abandonedWorkers() {
        return abandoned.get();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
