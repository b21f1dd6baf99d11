package dev.vapostream.learner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.stage.StageRunner;
import dev.vapostream.schemas.stage.ThreadStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner as a {@link dev.vapostream.schemas.stage.Stage}; {@code vapo learner} runs it alone
 * until {@code max.steps} or Ctrl-C, after which the run folder can be resumed.
 */
public final class LearnerApp {
    private static final Logger LOG = LoggerFactory.getLogger(LearnerApp.class);
    /** Long enough for the step in progress, a held-out evaluation and a checkpoint. */
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(10);

    private LearnerApp() {
    }

    /** Runs the learner: 0 when it stopped at max.steps or on Ctrl-C (after checkpointing), 1 if it failed. */
    public static int run(Properties properties) {
        LearnerConfig config = LearnerConfig.fromProperties(properties);
        return StageRunner.runAlone(properties, () -> stage(open(config), () -> false, step -> { }),
            () -> LOG.info("{}: stopping after the current step", config.runId()));
    }

    private static Learner open(LearnerConfig config) {
        try {
            return Learner.open(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the run of " + config.runId() + " in " + config.runDir(), e);
        }
    }

    /**
     * The opened learner as a stage that owns it: its loop runs until max.steps, until
     * {@code stopWhen} holds, or until the stage is closed, which lets the step in progress finish and
     * checkpoint before the learner is closed.
     */
    public static ThreadStage stage(Learner learner, BooleanSupplier stopWhen, Consumer<TrainMetrics> onStep) {
        AtomicBoolean stop = new AtomicBoolean();
        return new ThreadStage("learner", () -> learner.run(() -> stop.get() || stopWhen.getAsBoolean(), onStep),
            () -> stop.set(true), Optional::empty, learner, STOP_TIMEOUT);
    }
}
