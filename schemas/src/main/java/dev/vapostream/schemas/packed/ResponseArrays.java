package dev.vapostream.schemas.packed;

import java.nio.ByteBuffer;
import java.util.List;

import dev.vapostream.schemas.avro.PackedResponseArrays;
import dev.vapostream.schemas.avro.ResponseAdvantage;

/**
 * The per-token arrays of one {@link ResponseAdvantage}, whichever wire format wrote them: format 2
 * packs them in {@code packed}, format 1 (before 2026-12-06) wrote the Avro array fields. Lengths
 * are not checked against each other here; the reader that needs them equal says so with its own
 * context.
 */
public record ResponseArrays(int[] tokens, float[] behaviourLogProbs, float[] values, float[] advantages,
                             float[] returns) {

    /**
     * The arrays of {@code response}.
     *
     * @throws IllegalArgumentException naming the field, when a packed field is not a whole number of
     *                                  4-byte values, or when both formats are filled in
     */
    public static ResponseArrays of(ResponseAdvantage response) {
        PackedResponseArrays packed = response.getPacked();
        if (packed == null) {
            return new ResponseArrays(ints(response.getTokens()), floats(response.getBehaviourLogProbs()),
                floats(response.getValues()), floats(response.getAdvantages()), floats(response.getReturns()));
        }
        if (!response.getTokens().isEmpty() || !response.getBehaviourLogProbs().isEmpty() || !response.getValues().isEmpty()
            || !response.getAdvantages().isEmpty() || !response.getReturns().isEmpty()) {
            throw new IllegalArgumentException("has both packed arrays and array fields (a writer of format 2 leaves the"
                + " array fields empty)");
        }
        return new ResponseArrays(unpackInts("packed.tokens", packed.getTokens()),
            unpackFloats("packed.behaviourLogProbs", packed.getBehaviourLogProbs()),
            unpackFloats("packed.values", packed.getValues()), unpackFloats("packed.advantages", packed.getAdvantages()),
            unpackFloats("packed.returns", packed.getReturns()));
    }

    /** The format-2 packing of these arrays. */
    public PackedResponseArrays packed() {
        return PackedResponseArrays.newBuilder().setTokens(PackedArrays.ofInts(tokens))
            .setBehaviourLogProbs(PackedArrays.ofFloats(behaviourLogProbs)).setValues(PackedArrays.ofFloats(values))
            .setAdvantages(PackedArrays.ofFloats(advantages)).setReturns(PackedArrays.ofFloats(returns)).build();
    }

    private static int[] unpackInts(String field, ByteBuffer packed) {
        try {
            return PackedArrays.ints(packed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static float[] unpackFloats(String field, ByteBuffer packed) {
        try {
            return PackedArrays.floats(packed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static int[] ints(List<Integer> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static float[] floats(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }
}
