package dev.vapostream.scorer;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;

/**
 * Test plug-in (registered in src/test/resources/META-INF/services): scores 0.25 per response,
 * unless the group's metadata {@value #FAULT} asks it to fail: {@code throw} throws,
 * {@code hang} blocks until interrupted, {@code hang-ignoring-interrupts} blocks until
 * {@link #releaseStuckScorers()} regardless of interrupts, {@code short} returns too few scores.
 */
public final class FaultInjectingScorer implements Scorer {
    static final String NAME = "faults";
    static final String FAULT = "test.fault";
    static final double REWARD = 0.25;
    private static volatile CountDownLatch stuck = new CountDownLatch(1);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return "test-1";
    }

    @Override
    public List<Score> score(ResponseGroup group) throws InterruptedException {
        String fault = group.getMetadata().getOrDefault(FAULT, "");
        switch (fault) {
            case "throw" -> throw new IllegalStateException("injected failure for " + group.getPromptId());
            case "hang" -> new CountDownLatch(1).await();
            case "hang-ignoring-interrupts" -> {
                CountDownLatch latch = stuck;
                while (latch.getCount() > 0) {
                    try {
                        latch.await();
                    } catch (InterruptedException ignored) {
                        // a badly behaved scorer: keeps running after the stage gave up on it
                    }
                }
            }
            case "short" -> {
                return List.of();
            }
            default -> {
            }
        }
        return Collections.nCopies(group.getResponses().size(), Score.of(REWARD));
    }

    /** Lets every {@code hang-ignoring-interrupts} scorer finish. */
    static void releaseStuckScorers() {
        CountDownLatch latch = stuck;
        stuck = new CountDownLatch(1);
        latch.countDown();
    }
}
