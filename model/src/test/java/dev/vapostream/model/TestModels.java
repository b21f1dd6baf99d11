package dev.vapostream.model;

import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.model.weights.NamedTensor;
import dev.vapostream.model.weights.WeightCodec;
import dev.vapostream.model.weights.WeightFile;
import java.util.ArrayList;
import java.util.List;

/** Small models and hand-edited weights shared by the tests. */
public final class TestModels {

    public static final ModelConfig SMALL = ModelConfig.of(CharTokenizer.forBuiltInTask().vocabSize(), 64, 2, 32, 4);
    /** SMALL with every response starting at position 24 (prompts of up to 24 tokens). */
    public static final ModelConfig SMALL_ANCHORED = SMALL.withResponseStart(24);

    private TestModels() {
    }

    /**
     * A policy whose next-token logits are the same at every position: 0 for every token except
     * EOS, which gets {@code eosLogit}. Built by zeroing the final LayerNorm's gain (so its output
     * is its bias, a unit vector) and putting the EOS logit in the head's matching row.
     */
    public static PolicyModel constantEosPolicy(float eosLogit) {
        try (PolicyModel base = PolicyModel.initialise(SMALL, 1L)) {
            WeightFile file = WeightCodec.decode(base.encodeWeights());
            List<NamedTensor> edited = new ArrayList<>();
            for (NamedTensor tensor : file.tensors()) {
                edited.add(switch (tensor.name()) {
                    case "final_ln.gamma" -> fill(tensor, i -> 0f);
                    case "final_ln.beta" -> fill(tensor, i -> i == 0 ? 1f : 0f);
                    case PolicyModel.HEAD -> fill(tensor, i -> i == CharTokenizer.EOS ? eosLogit : 0f);
                    default -> tensor;
                });
            }
            return PolicyModel.fromWeights(WeightCodec.encode(new WeightFile(file.kind(), file.config(), edited)));
        }
    }

    private static NamedTensor fill(NamedTensor tensor, java.util.function.IntFunction<Float> valueAt) {
        float[] values = new float[tensor.values().length];
        for (int i = 0; i < values.length; i++) {
            values[i] = valueAt.apply(i);
        }
        return new NamedTensor(tensor.name(), tensor.shape(), values);
    }

}
