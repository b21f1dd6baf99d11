package dev.vapostream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PolicyFeatureMemoTest {
    private static final int[] PROMPT = {1, 2};
    private static final int[] A = {3};
    private static final int[] B = {4};
    private static final int[] C = {5};

    @Test
    void aNewMemoryRemembersNothing() {
        PolicyFeatureMemo memo = new PolicyFeatureMemo();
        memo.put(PROMPT, A, new float[] {1f});
        assertNull(memo.get(PROMPT, A));
        assertEquals(0, memo.size());
    }

    @Test
    void beyondItsCapacityItForgetsTheLeastRecentlyUsed() {
        // Given a memory of two that holds A, then B, and has just read A again
        PolicyFeatureMemo memo = new PolicyFeatureMemo();
        memo.resize(2);
        memo.put(PROMPT, A, new float[] {1f});
        memo.put(PROMPT, B, new float[] {2f});
        assertNotNull(memo.get(PROMPT, A));
        // When C comes in, Then B, the least recently used, is forgotten
        memo.put(PROMPT, C, new float[] {3f});
        assertNull(memo.get(PROMPT, B));
        assertArrayEquals(new float[] {1f}, memo.get(PROMPT, A));
        assertArrayEquals(new float[] {3f}, memo.get(PROMPT, C));
        // When it shrinks to one, Then only the most recently used, C, stays
        memo.resize(1);
        assertNull(memo.get(PROMPT, A));
        assertNotNull(memo.get(PROMPT, C));
    }

    @Test
    void aNegativeCapacityIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PolicyFeatureMemo().resize(-1));
    }
}
