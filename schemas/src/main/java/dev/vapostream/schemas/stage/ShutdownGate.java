package dev.vapostream.schemas.stage;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Ctrl-C or SIGTERM into a clean stop: the JVM's shutdown hook runs the stop action (e.g.
 * {@link StageRunner#stop()}) and then holds the JVM until the caller closes this gate, that is
 * until everything after the stages (a report, an embedded cluster) is done as well. Open it
 * first and close it last: {@code try (ShutdownGate gate = ShutdownGate.install(); ...)}.
 *
 * <p>The JVM then ends with the signal's status (130 for Ctrl-C, 143 for SIGTERM), as any process
 * stopped by a signal does.
 */
public final class ShutdownGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownGate.class);
    /** Longest a signal waits for the clean stop: a learner step, an evaluation and a checkpoint fit. */
    static final Duration MAX_WAIT = Duration.ofMinutes(12);

    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private final AtomicBoolean signalled = new AtomicBoolean();
    private volatile Runnable onSignal = () -> { };

    private ShutdownGate() {
        hook = new Thread(this::stopCleanly, "vapo-shutdown");
    }

    /** Registers the shutdown hook; it does nothing but wait until a stop action is set. */
    public static ShutdownGate install() {
        ShutdownGate gate = new ShutdownGate();
        Runtime.getRuntime().addShutdownHook(gate.hook);
        return gate;
    }

    /**
     * What a signal does before waiting for {@link #close()}; it must make the caller finish. A signal
     * that came before it was set (while the stages were opening) runs it at once.
     */
    public void onSignal(Runnable action) {
        this.onSignal = action;
        if (signalled.get()) {
            run(action);
        }
    }

    private void stopCleanly() {
        signalled.set(true);
        run(onSignal);
        try {
            if (!closed.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("the clean stop did not finish within {}; the JVM ends now", MAX_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("stopping on a signal failed: {}", e.toString(), e);
        }
    }

    /** The caller is done: a signal no longer holds the JVM. */
    @Override
    public void close() {
        closed.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running: it returns now that the gate is closed.
        }
    }
}
