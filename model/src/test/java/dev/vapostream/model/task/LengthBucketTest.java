package dev.vapostream.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LengthBucketTest {

    @Test
    void eachTasksTermRangeIsCutIntoThirds() {
        assertEquals(4, LengthBucket.SHORT.maxTerms(BuiltInTask.RUNNING_SUM));
        assertEquals(5, LengthBucket.MEDIUM.minTerms(BuiltInTask.RUNNING_SUM));
        assertEquals(8, LengthBucket.LONG.minTerms(BuiltInTask.RUNNING_SUM));
        assertEquals(6, LengthBucket.SHORT.maxTerms(BuiltInTask.BLIND_SPOTS));
        assertEquals(11, LengthBucket.MEDIUM.maxTerms(BuiltInTask.BLIND_SPOTS));
        assertEquals(16, LengthBucket.LONG.maxTerms(BuiltInTask.BLIND_SPOTS));
    }

    @Test
    void aPromptOutsideTheTasksRangeHasNoBucket() {
        assertTrue(BuiltInTask.RUNNING_SUM.bucketOf("1+2+3+4+5+6+7+8+9+1+2=").isEmpty());
        assertTrue(BuiltInTask.RUNNING_SUM.bucketOf("hello").isEmpty());
        assertEquals(LengthBucket.LONG, BuiltInTask.BLIND_SPOTS.bucketOf("1+2+3+4+5+6+7+8+9+1+2+3=").orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> LengthBucket.of(BuiltInTask.RUNNING_SUM, 11));
    }

    @Test
    void tasksAreFoundByTheirIdsAndAnUnknownIdNamesTheKnownOnes() {
        assertEquals(BuiltInTask.BLIND_SPOTS, BuiltInTask.of("blind-spots"));
        assertEquals(BuiltInTask.RUNNING_SUM, BuiltInTask.of("running-sum"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BuiltInTask.of("chess"));
        assertTrue(e.getMessage().contains("running-sum") && e.getMessage().contains("blind-spots"), e.getMessage());
    }
}
