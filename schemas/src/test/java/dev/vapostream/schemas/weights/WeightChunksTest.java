package dev.vapostream.schemas.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.WeightChunk;
import org.junit.jupiter.api.Test;

class WeightChunksTest {
    private static final WeightChunks.Header CRITIC_V3 =
        new WeightChunks.Header("critic", ModelRole.CRITIC, 3, "test-v1", Map.of("layers", "2"), Instant.EPOCH);

    @Test
    void splitThenAssembleGivesBackTheSameBytes() {
        // Given a payload of 2.5 chunks
        byte[] payload = randomBytes(2500);

        // When it is split into 1000-byte chunks and put back together
        List<WeightChunk> chunks = WeightChunks.split(CRITIC_V3, payload, 1000, Instant.EPOCH);
        AssembledWeights weights = WeightChunks.assemble(chunks);

        // Then there are three chunks keyed by position and the bytes and hash survive
        assertEquals(3, chunks.size());
        assertEquals(List.of("critic/0", "critic/1", "critic/2"), chunks.stream().map(WeightChunks::key).toList());
        assertEquals(500, chunks.get(2).getData().remaining());
        assertArrayEquals(payload, weights.payload());
        assertEquals(WeightChunks.sha256Hex(payload), weights.sha256());
        assertEquals(3, weights.version());
    }

    @Test
    void aFlippedByteIsRefusedWithBothHashesInTheMessage() {
        List<WeightChunk> chunks = WeightChunks.split(CRITIC_V3, randomBytes(2500), 1000, Instant.EPOCH);
        byte[] tampered = new byte[chunks.get(1).getData().remaining()];
        chunks.get(1).getData().duplicate().get(tampered);
        tampered[7] ^= 1;
        chunks.get(1).setData(ByteBuffer.wrap(tampered));

        WeightIntegrityException e = assertThrows(WeightIntegrityException.class, () -> WeightChunks.assemble(chunks));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void latestVersionWaitsUntilAllItsChunksArrived() {
        // Given a store holding v3 complete, then the first chunk of v4
        Map<Integer, WeightChunk> store = new HashMap<>();
        WeightChunks.split(CRITIC_V3, randomBytes(2500), 1000, Instant.EPOCH).forEach(c -> store.put(c.getChunkIndex(), c));
        assertEquals(3, WeightChunks.assembleLatest(store::get).orElseThrow().version());
        WeightChunks.Header v4 = new WeightChunks.Header("critic", ModelRole.CRITIC, 4, "test-v1", Map.of(), Instant.EPOCH);
        List<WeightChunk> v4Chunks = WeightChunks.split(v4, randomBytes(2100), 1000, Instant.EPOCH);
        store.put(0, v4Chunks.get(0));

        // Then nothing is assembled until v4's other chunks replace v3's
        assertTrue(WeightChunks.assembleLatest(store::get).isEmpty());
        store.put(1, v4Chunks.get(1));
        store.put(2, v4Chunks.get(2));
        assertEquals(4, WeightChunks.assembleLatest(store::get).orElseThrow().version());
    }

    @Test
    void missingOrMixedChunksAreRefused() {
        List<WeightChunk> chunks = new ArrayList<>(WeightChunks.split(CRITIC_V3, randomBytes(2500), 1000, Instant.EPOCH));
        chunks.remove(2);
        assertThrows(WeightIntegrityException.class, () -> WeightChunks.assemble(chunks));
        List<WeightChunk> swapped = new ArrayList<>(WeightChunks.split(CRITIC_V3, randomBytes(2500), 1000, Instant.EPOCH));
        swapped.add(0, swapped.remove(1));
        assertThrows(WeightIntegrityException.class, () -> WeightChunks.assemble(swapped));
    }

    @Test
    void emptyPayloadIsOneEmptyChunk() {
        List<WeightChunk> chunks = WeightChunks.split(CRITIC_V3, new byte[0], 1000, Instant.EPOCH);
        assertEquals(1, chunks.size());
        assertArrayEquals(new byte[0], WeightChunks.assemble(chunks).payload());
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
