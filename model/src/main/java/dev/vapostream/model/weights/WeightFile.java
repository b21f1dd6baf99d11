package dev.vapostream.model.weights;

import dev.vapostream.model.ModelConfig;
import java.util.List;

/**
 * Everything needed to rebuild a network: what kind it is ({@code policy} or {@code value}),
 * its size, and its tensors in their canonical order.
 */
public record WeightFile(String kind, ModelConfig config, List<NamedTensor> tensors) {

    public WeightFile {
        tensors = List.copyOf(tensors);
    }
}
