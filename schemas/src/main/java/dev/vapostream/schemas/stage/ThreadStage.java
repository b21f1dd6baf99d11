package dev.vapostream.schemas.stage;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stage whose work is one loop on a thread of its own: a rollout worker, the learner. The loop
 * ends when the work is done, when it throws (the stage's failure), or when {@link #close()} asks
 * it to stop; some workers record a failure themselves instead of throwing, which {@code reported}
 * reads.
 */
public final class ThreadStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadStage.class);

    /** The stage's loop; it returns when done or when asked to stop. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private final String name;
    private final Work work;
    private final Runnable askToStop;
    private final Supplier<Optional<Throwable>> reported;
    private final AutoCloseable owned;
    private final Duration stopTimeout;
    private final AtomicReference<Throwable> thrown = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param askToStop   makes {@code work} return soon (it may finish the step in progress)
     * @param reported    a failure the work records rather than throws; {@code Optional::empty} if none
     * @param owned       closed after the loop has ended (null if {@code askToStop} frees everything)
     * @param stopTimeout how long {@link #close()} waits for the loop to end
     */
    public ThreadStage(String name, Work work, Runnable askToStop, Supplier<Optional<Throwable>> reported,
                       AutoCloseable owned, Duration stopTimeout) {
        this.name = name;
        this.work = work;
        this.askToStop = askToStop;
        this.reported = reported;
        this.owned = owned;
        this.stopTimeout = stopTimeout;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException(name + " was already started");
        }
        Thread thread = new Thread(this::runWork, name);
        thread.start();
    }

    private void runWork() {
        try {
            work.run();
        } catch (Throwable e) {
            thrown.set(e);
            LOG.error("{}: stopped on an error: {}", name, e.toString(), e);
        } finally {
            finished.countDown();
        }
    }

    @Override
    public Optional<Throwable> failure() {
        Throwable e = thrown.get();
        return e != null ? Optional.of(e) : reported.get();
    }

    @Override
    public boolean stopped() {
        return started.get() && finished.getCount() == 0;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        askToStop.run();
        try {
            if (started.get() && !finished.await(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // Closing what the loop still uses (native models, a checkpoint being written) would be worse.
                LOG.error("{}: did not stop within {}; leaving what it holds open", name, stopTimeout);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                LOG.warn("{}: closing failed", name, e);
            }
        }
    }
}
