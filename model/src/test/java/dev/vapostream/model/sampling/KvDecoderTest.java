package dev.vapostream.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.TestModels;
import dev.vapostream.model.nn.ResponseBatch;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KvDecoderTest {

    /** Float32 accumulation in a different order (cached vs full attention) differs by ~1e-6. */
    private static final float LOGIT_TOLERANCE = 1e-4f;
    private static final int STEPS = 6;

    @ParameterizedTest(name = "responses start at position {0}")
    @ValueSource(ints = {0, 24})
    void cachedLogitsEqualAFullRecomputationOfEachUnpaddedRow(int responseStart) {
        // Given prompts of different lengths (so the batch is left-padded) and tokens to feed
        List<int[]> prompts = List.of(new int[] {1, 5, 6, 7, 8, 9}, new int[] {1, 4}, new int[] {1, 10, 11, 12});
        int[][] fed = {{3, 4, 5, 6, 7, 8}, {9, 10, 11, 12, 13, 14}, {15, 16, 17, 3, 4, 5}};
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL.withResponseStart(responseStart), 21L);
                NDManager manager = NDManager.newBaseManager();
                KvDecoder decoder = new KvDecoder(policy, prompts, STEPS + 1)) {
            // When the batch is decoded incrementally
            float[][] cached = new float[STEPS + 1][];
            cached[0] = decoder.prefill().toFloatArray();
            for (int step = 0; step < STEPS; step++) {
                int[] tokens = {fed[0][step], fed[1][step], fed[2][step]};
                cached[step + 1] = decoder.next(tokens).toFloatArray();
            }
            // Then each step's logits equal a full forward pass over that row alone
            int vocab = TestModels.SMALL.vocabSize();
            for (int row = 0; row < prompts.size(); row++) {
                float[][] full = fullLogits(policy, manager, prompts.get(row), fed[row]);
                for (int step = 0; step <= STEPS; step++) {
                    for (int v = 0; v < vocab; v++) {
                        assertEquals(full[step][v], cached[step][row * vocab + v], LOGIT_TOLERANCE,
                                "row " + row + " step " + step + " token " + v);
                    }
                }
            }
        }
    }

    @Test
    void promptsThatDoNotFitTheContextAreRejected() {
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 21L)) {
            List<int[]> prompts = List.of(new int[] {1, 4, 5});
            assertThrows(IllegalArgumentException.class,
                    () -> new KvDecoder(policy, prompts, TestModels.SMALL.contextLength()));
        }
        try (PolicyModel anchored = PolicyModel.initialise(TestModels.SMALL_ANCHORED, 21L)) {
            // With responses from position 24, 42 new tokens feed 41 back, up to position 64 (one too many)
            assertThrows(IllegalArgumentException.class, () -> new KvDecoder(anchored, List.of(new int[] {1, 4}), 42));
            new KvDecoder(anchored, List.of(new int[] {1, 4}), 41).close();
            assertThrows(IllegalArgumentException.class, () -> new KvDecoder(anchored, List.of(new int[25]), 2));
        }
    }

    /** Logits (steps + 1, V) at the last prompt position and after each fed token, no cache, no padding. */
    private static float[][] fullLogits(PolicyModel policy, NDManager manager, int[] prompt, int[] fed) {
        ResponseBatch single = new ResponseBatch(List.of(prompt), List.of(withExtraToken(fed)),
                policy.config().contextLength(), policy.config().responseStart());
        NDArray logits = policy.logits(single.toTrunkInput(manager), null);
        float[][] rows = new float[fed.length + 1][];
        for (int step = 0; step <= fed.length; step++) {
            rows[step] = logits.get(new NDIndex("0, {}, :", prompt.length - 1 + step)).toFloatArray();
        }
        return rows;
    }

    /** The batch reads every response token but the last, so append one to read all of {@code fed}. */
    private static int[] withExtraToken(int[] fed) {
        int[] tokens = java.util.Arrays.copyOf(fed, fed.length + 1);
        tokens[fed.length] = 3;
        return tokens;
    }
}
