package dev.vapostream.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vapostream.model.weights.NamedTensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named tensors of one network, in a fixed insertion order (which is also the order of the
 * weight file), all owned by one manager that this object closes.
 */
public final class Parameters implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> byName = new LinkedHashMap<>();

    public Parameters(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    /** Adds a tensor built from Java values; it takes part in gradients. */
    public NDArray add(String name, int[] shape, float[] values) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter " + name);
        }
        NDArray array = manager.create(values, new Shape(toLongs(shape)));
        array.setName(name);
        array.setRequiresGradient(true);
        byName.put(name, array);
        return array;
    }

    public NDArray get(String name) {
        NDArray array = byName.get(name);
        if (array == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return array;
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public List<NDArray> arrays() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    public long parameterCount() {
        return byName.values().stream().mapToLong(NDArray::size).sum();
    }

    /** A snapshot of the current values, in canonical order. */
    public List<NamedTensor> toTensors() {
        List<NamedTensor> tensors = new ArrayList<>(byName.size());
        for (Map.Entry<String, NDArray> entry : byName.entrySet()) {
            NDArray array = entry.getValue();
            tensors.add(new NamedTensor(entry.getKey(), toInts(array.getShape()), array.toFloatArray()));
        }
        return tensors;
    }

    /** Overwrites each parameter in place with the tensor of the same name and shape. */
    public void load(List<NamedTensor> tensors) {
        if (tensors.size() != byName.size()) {
            throw new IllegalArgumentException("expected " + byName.size() + " tensors, got " + tensors.size());
        }
        for (NamedTensor tensor : tensors) {
            NDArray target = get(tensor.name());
            Shape shape = new Shape(toLongs(tensor.shape()));
            if (!target.getShape().equals(shape)) {
                throw new IllegalArgumentException(
                        tensor.name() + ": expected shape " + target.getShape() + ", got " + shape);
            }
            target.set(tensor.values());
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    static long[] toLongs(int[] shape) {
        long[] longs = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            longs[i] = shape[i];
        }
        return longs;
    }

    private static int[] toInts(Shape shape) {
        int[] ints = new int[shape.dimension()];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = Math.toIntExact(shape.get(i));
        }
        return ints;
    }
}
