package dev.vapostream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vapostream.model.nn.ParameterInitializer;
import dev.vapostream.model.nn.Parameters;
import dev.vapostream.model.nn.ResponseBatch;
import dev.vapostream.model.weights.NamedTensor;
import java.util.List;

/** The critic: the same trunk architecture with a scalar value head on every position. */
public final class ValueModel extends TransformerNetwork {

    public static final String KIND = "value";
    static final String HEAD_WEIGHT = "value_head.weight";
    static final String HEAD_BIAS = "value_head.bias";
    private static final double HEAD_INIT_STD = 0.02;

    private ValueModel(ModelConfig config, Parameters parameters) {
        super(config, parameters);
    }

    /** A critic with a freshly initialised trunk and head. */
    public static ValueModel initialise(ModelConfig config, long seed) {
        ValueModel model = new ValueModel(config, new Parameters(NDManager.newBaseManager()));
        ParameterInitializer init = new ParameterInitializer(seed);
        model.trunk().initialise(model.parameterStore(), init);
        model.addHead(init);
        return model;
    }

    /** A critic whose trunk is a copy of the given trunk tensors, with a fresh head. */
    static ValueModel fromTrunk(ModelConfig config, List<NamedTensor> trunkTensors, long headSeed) {
        ValueModel model = initialise(config, headSeed);
        for (NamedTensor tensor : trunkTensors) {
            model.parameterStore().get(tensor.name()).set(tensor.values());
        }
        return model;
    }

    public static ValueModel fromWeights(byte[] encoded) {
        return rebuild(encoded, config -> initialise(config, 0L));
    }

    @Override
    protected String kind() {
        return KIND;
    }

    /**
     * Values (B, R), differentiable: entry j is V(prompt + response tokens before j), the value
     * of the state in which response token j is chosen. 0 at padding.
     */
    public ValueScores score(NDManager manager, List<int[]> prompts, List<int[]> responses) {
        ResponseBatch batch = new ResponseBatch(prompts, responses, config().contextLength(), config().responseStart());
        NDArray values = responseHidden(manager, batch)
                .matMul(parameterStore().get(HEAD_WEIGHT))
                .squeeze(2)
                .add(parameterStore().get(HEAD_BIAS));
        NDArray mask = batch.responseMask(manager);
        return new ValueScores(values.mul(mask), mask);
    }

    private void addHead(ParameterInitializer init) {
        int[] weightShape = {config().width(), 1};
        parameterStore().add(HEAD_WEIGHT, weightShape, init.normal(weightShape, HEAD_INIT_STD));
        parameterStore().add(HEAD_BIAS, new int[] {1}, ParameterInitializer.constant(new int[] {1}, 0f));
    }
}
