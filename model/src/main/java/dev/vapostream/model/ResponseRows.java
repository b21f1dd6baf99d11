package dev.vapostream.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;

/** Reading a (B, R) array of per-token scores back, one row per response. */
final class ResponseRows {

    private ResponseRows() {
    }

    /** Row i of {@code scores} copied out, as long as response i (the padding left off). */
    static List<float[]> of(NDArray scores, List<int[]> responses) {
        long rows = scores.getShape().get(0);
        long width = scores.getShape().get(1);
        if (rows != responses.size()) {
            throw new IllegalArgumentException(responses.size() + " responses for " + rows + " rows of scores");
        }
        for (int[] response : responses) {
            if (response.length > width) {
                throw new IllegalArgumentException("a response of " + response.length + " tokens in rows of " + width);
            }
        }
        float[] flat = scores.toFloatArray();
        List<float[]> out = new ArrayList<>(responses.size());
        for (int i = 0; i < responses.size(); i++) {
            int from = Math.toIntExact(i * width);
            out.add(Arrays.copyOfRange(flat, from, from + responses.get(i).length));
        }
        return out;
    }
}
