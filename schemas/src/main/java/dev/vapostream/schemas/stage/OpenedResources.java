package dev.vapostream.schemas.stage;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a stage's opening step has opened so far, so that a failure part-way closes it again.
 * <pre>{@code
 * OpenedResources opened = new OpenedResources();
 * try {
 *     producer = opened.track(KafkaClients.producer(config));
 *     consumer = opened.track(KafkaClients.consumer(config));
 * } catch (RuntimeException e) {
 *     opened.closeAfter(e);
 *     throw e;
 * }
 * }</pre>
 */
public final class OpenedResources {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** Remembers {@code resource} (null is ignored) and returns it. */
    public <T extends AutoCloseable> T track(T resource) {
        if (resource != null) {
            resources.push(resource);
        }
        return resource;
    }

    /**
     * Everything tracked so far now belongs to {@code owner}, whose {@code close()} closes it: forgets
     * it and tracks {@code owner} instead.
     */
    public <T extends AutoCloseable> T ownedBy(T owner) {
        resources.clear();
        return track(owner);
    }

    /**
     * Closes what was tracked, newest first, after {@code cause} interrupted the opening. An error
     * while closing is added to {@code cause} as suppressed, so the original failure is the one reported.
     */
    public void closeAfter(Throwable cause) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }
}
