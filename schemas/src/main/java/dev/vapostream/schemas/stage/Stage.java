package dev.vapostream.schemas.stage;

import java.util.Optional;

/**
 * The lifecycle every stage of the pipeline shares, whether it runs alone ({@code vapo scorer})
 * or beside the others ({@code vapo train}):
 * <ol>
 *   <li><b>open</b>: a stage's factory (e.g. {@code ScorerApp.open(config)}) builds its clients and
 *       models; if a step fails, whatever was opened is closed again ({@link OpenedResources});</li>
 *   <li><b>start</b>: {@link #start()} sets its threads going and returns;</li>
 *   <li><b>await failure</b>: {@link #failure()} and {@link #stopped()} say, without blocking, whether
 *       it has failed or stopped on its own; {@link StageRunner} watches them;</li>
 *   <li><b>close</b>: {@link #close()} stops it and frees what it opened.</li>
 * </ol>
 */
public interface Stage extends AutoCloseable {
    /** The name that logs and failures use, e.g. {@code scorer} or {@code generator-0}. */
    String name();

    /** Starts the stage's work on threads of its own and returns. Called at most once. */
    void start();

    /** The error the stage stopped on, once it has failed by itself; empty otherwise. */
    Optional<Throwable> failure();

    /**
     * Whether the stage has stopped by itself: failed, or done with its work (a learner at
     * {@code max.steps}). A stage that serves until it is closed never stops without failing.
     */
    boolean stopped();

    /** Stops the stage, waits for its threads and frees what it opened. Safe to call more than once. */
    @Override
    void close();
}
