package dev.vapostream.learner;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GroupSourceDrawTest {

    @Test
    void aFixedDrawStopsAtSizeGroupsDrawnEvenWhenTheFilterLeftFewer() {
        // Given a batch of 8 from a fixed draw, 8 groups drawn and 3 of them usable
        // Then no more groups are taken: the filter shrinks the batch instead of drawing more samples
        assertFalse(GroupSource.needsMore(true, 8, 3, 8));
        // And until 8 are drawn it keeps taking
        assertTrue(GroupSource.needsMore(true, 7, 7, 8));
    }

    @Test
    void aFixedDrawWithNothingUsableDrawsOnUntilOneGroupIs() {
        assertTrue(GroupSource.needsMore(true, 8, 0, 8));
        assertTrue(GroupSource.needsMore(true, 20, 0, 8));
        assertFalse(GroupSource.needsMore(true, 21, 1, 8));
    }

    @Test
    void withRefillTheBatchFillsToSizeUsableGroupsHoweverManyAreDrawn() {
        assertTrue(GroupSource.needsMore(false, 16, 7, 8));
        assertFalse(GroupSource.needsMore(false, 16, 8, 8));
    }
}
