package dev.vapostream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ResponseRowsTest {

    @Test
    void eachResponseGetsItsOwnRowCutToItsLength() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Given per-token scores (2, 3) of a response of 3 tokens and one of 1 (padded)
            float[] padded = {1f, 2f, 3f, 4f, 0f, 0f};
            PolicyScores scores = new PolicyScores(manager.create(padded, new Shape(2, 3)),
                manager.create(new float[] {5f, 6f, 7f, 8f, 0f, 0f}, new Shape(2, 3)), manager.ones(new Shape(2, 3)));
            List<int[]> responses = List.of(new int[3], new int[1]);
            // When they are read back per response
            List<float[]> logProbs = scores.logProbsPerResponse(responses);
            List<float[]> entropy = scores.entropyPerResponse(responses);
            // Then each row is the response's own scores, without the padding
            assertEquals(2, logProbs.size());
            assertArrayEquals(new float[] {1f, 2f, 3f}, logProbs.get(0));
            assertArrayEquals(new float[] {4f}, logProbs.get(1));
            assertArrayEquals(new float[] {5f, 6f, 7f}, entropy.get(0));
            assertArrayEquals(new float[] {8f}, entropy.get(1));
            // And a critic's values read back the same way
            List<float[]> values = new ValueScores(manager.create(padded, new Shape(2, 3)), manager.ones(new Shape(2, 3)))
                .perResponse(responses);
            assertArrayEquals(new float[] {4f}, values.get(1));
        }
    }

    @Test
    void responsesThatDoNotMatchTheRowsAreRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ValueScores scores = new ValueScores(manager.zeros(new Shape(2, 3)), manager.ones(new Shape(2, 3)));
            assertThrows(IllegalArgumentException.class, () -> scores.perResponse(List.of(new int[3])));
            assertThrows(IllegalArgumentException.class, () -> scores.perResponse(List.of(new int[3], new int[4])));
        }
    }
}
