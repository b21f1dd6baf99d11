package dev.vapostream.learner;

import java.io.IOException;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the learner until max.steps or until the JVM is asked to stop; the run folder can then be resumed. */
public final class LearnerApp {
    private static final Logger LOG = LoggerFactory.getLogger(LearnerApp.class);

    private LearnerApp() {
    }

    public static void run(Properties properties) throws IOException, InterruptedException {
        LearnerConfig config = LearnerConfig.fromProperties(properties);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                // Let the current step finish and checkpoint; the JVM exits when the hook returns.
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "learner-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Learner learner = Learner.open(config)) {
            learner.run(stop::get);
            LOG.info("{}: stopped at step {} (policy v{})", config.runId(), learner.step(), learner.policyVersion());
        } finally {
            finished.countDown();
        }
    }
}
