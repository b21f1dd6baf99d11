package dev.vapostream.advantage.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import dev.vapostream.schemas.avro.WeightChunk;
import org.junit.jupiter.api.Test;

class CriticFollowerTest {
    /** A store of the newest chunk per index that counts how often chunk 0 is read. */
    private static final class Store {
        final Map<Integer, WeightChunk> chunks = new HashMap<>();
        final AtomicInteger looks = new AtomicInteger();

        void publish(List<WeightChunk> version) {
            version.forEach(c -> chunks.put(c.getChunkIndex(), c));
        }

        IntFunction<WeightChunk> reader() {
            return index -> {
                if (index == 0) {
                    looks.incrementAndGet();
                }
                return chunks.get(index);
            };
        }
    }

    private static Critic zeros() {
        return new Critic() {
            @Override
            public List<float[]> values(List<Integer> promptTokens, List<List<Integer>> responses) {
                return responses.stream().map(r -> new float[r.size()]).toList();
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void withALookIntervalANewVersionIsLookedForOncePerIntervalAndThenUsed() {
        // Given a follower that looks at most every 100 ms, holding version 1
        AtomicLong now = new AtomicLong();
        Store store = new Store();
        store.publish(Fixtures.criticChunks(1, new byte[] {1, 2, 3}));
        try (CriticFollower follower = new CriticFollower("critic", payload -> zeros(), Duration.ofMillis(100), now::get)) {
            assertEquals(1, follower.current(store.reader()).version());
            int readsAtLoad = store.looks.get();
            // When version 2 is published and 1000 groups are valued within the same 99 ms
            store.publish(Fixtures.criticChunks(2, new byte[] {4, 5, 6}));
            for (int group = 0; group < 1000; group++) {
                now.addAndGet(99_000);
                assertEquals(1, follower.current(store.reader()).version());
            }
            // Then the store was not read for them, and once the interval has passed version 2 is in use
            assertEquals(readsAtLoad, store.looks.get());
            now.addAndGet(1_000_000);
            assertEquals(2, follower.current(store.reader()).version());
        }
    }

    @Test
    void withoutALookIntervalEveryGroupLooks() {
        Store store = new Store();
        store.publish(Fixtures.criticChunks(1, new byte[] {1, 2, 3}));
        try (CriticFollower follower = new CriticFollower("critic", payload -> zeros())) {
            follower.current(store.reader());
            store.publish(Fixtures.criticChunks(2, new byte[] {4, 5, 6}));
            assertEquals(2, follower.current(store.reader()).version());
        }
    }

    @Test
    void beforeAnyCriticIsLoadedEveryGroupLooks() {
        // Given a follower with a long interval and nothing published
        AtomicLong now = new AtomicLong();
        Store store = new Store();
        try (CriticFollower follower = new CriticFollower("critic", payload -> zeros(), Duration.ofHours(1), now::get)) {
            for (int i = 1; i <= 3; i++) {
                assertThrows(InvalidGroupException.class, () -> follower.current(store.reader()), "unknown critic version");
                assertEquals(i, store.looks.get());
            }
            // When version 1 arrives, Then the next group finds it at once
            store.publish(Fixtures.criticChunks(1, new byte[] {1, 2, 3}));
            assertEquals(1, follower.current(store.reader()).version());
        }
    }
}
