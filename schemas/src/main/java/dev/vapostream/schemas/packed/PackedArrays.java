package dev.vapostream.schemas.packed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Per-token arrays as Avro {@code bytes}: 4 bytes a value, little-endian (int32 for token ids,
 * IEEE float32 for the rest), the layout of {@code PackedResponseArrays}. Reading never changes
 * the buffer's position, so a record can be read more than once.
 */
public final class PackedArrays {
    private static final int WIDTH = Integer.BYTES;

    private PackedArrays() {
    }

    public static ByteBuffer ofFloats(float[] values) {
        ByteBuffer out = allocate(values.length);
        out.asFloatBuffer().put(values);
        return out;
    }

    public static ByteBuffer ofInts(int[] values) {
        ByteBuffer out = allocate(values.length);
        out.asIntBuffer().put(values);
        return out;
    }

    public static ByteBuffer ofFloats(List<Float> values) {
        ByteBuffer out = allocate(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.putFloat(i * WIDTH, values.get(i));
        }
        return out;
    }

    public static ByteBuffer ofInts(List<Integer> values) {
        ByteBuffer out = allocate(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.putInt(i * WIDTH, values.get(i));
        }
        return out;
    }

    /** @throws IllegalArgumentException if the buffer does not hold a whole number of 4-byte values */
    public static float[] floats(ByteBuffer packed) {
        float[] out = new float[count(packed)];
        view(packed).asFloatBuffer().get(out);
        return out;
    }

    /** @throws IllegalArgumentException if the buffer does not hold a whole number of 4-byte values */
    public static int[] ints(ByteBuffer packed) {
        int[] out = new int[count(packed)];
        view(packed).asIntBuffer().get(out);
        return out;
    }

    /** How many 4-byte values the buffer holds. */
    public static int count(ByteBuffer packed) {
        if (packed.remaining() % WIDTH != 0) {
            throw new IllegalArgumentException(packed.remaining() + " bytes is not a whole number of 4-byte values");
        }
        return packed.remaining() / WIDTH;
    }

    private static ByteBuffer allocate(int values) {
        return ByteBuffer.allocate(values * WIDTH).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer view(ByteBuffer packed) {
        return packed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
}
