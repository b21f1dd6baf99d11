package dev.vapostream.advantage.stream;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** Avro's generated classes take {@code List<Float>}; this views a float[] as one without copying. */
public final class FloatLists {
    private FloatLists() {
    }

    public static List<Float> of(float[] values) {
        return new View(values);
    }

    public static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static final class View extends AbstractList<Float> implements RandomAccess {
        private final float[] values;

        View(float[] values) {
            this.values = values;
        }

        @Override
        public Float get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }
}
