package dev.vapostream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDManager;
import dev.vapostream.model.nn.Parameters;
import dev.vapostream.model.nn.ResponseBatch;
import dev.vapostream.model.nn.TransformerTrunk;
import dev.vapostream.model.nn.TrunkInput;
import dev.vapostream.model.weights.NamedTensor;
import dev.vapostream.model.weights.WeightCodec;
import dev.vapostream.model.weights.WeightFile;
import java.util.List;
import java.util.function.Function;

/**
 * What policy and value model share: a config, a trunk, named parameters in one manager, and
 * the weight encoding. Subclasses add their head.
 */
public abstract class TransformerNetwork implements AutoCloseable {

    private final ModelConfig config;
    private final Parameters parameters;
    private final TransformerTrunk trunk;

    protected TransformerNetwork(ModelConfig config, Parameters parameters) {
        this.config = config;
        this.parameters = parameters;
        this.trunk = new TransformerTrunk(config);
    }

    /** {@code policy} or {@code value}: written into the weight file and checked on decode. */
    protected abstract String kind();

    public ModelConfig config() {
        return config;
    }

    /** All trainable tensors in canonical order (e.g. for an optimizer). */
    public List<NDArray> parameters() {
        return parameters.arrays();
    }

    public List<String> parameterNames() {
        return parameters.names();
    }

    public long parameterCount() {
        return parameters.parameterCount();
    }

    protected Parameters parameterStore() {
        return parameters;
    }

    protected TransformerTrunk trunk() {
        return trunk;
    }

    public byte[] encodeWeights() {
        return WeightCodec.encode(new WeightFile(kind(), config, tensors()));
    }

    /** What the weight file holds: the parameters, in canonical order, and whatever a subclass adds. */
    protected List<NamedTensor> tensors() {
        return parameters.toTensors();
    }

    /** Overwrites everything {@link #tensors()} returns with the file's tensors of the same names. */
    protected void loadTensors(List<NamedTensor> tensors) {
        parameters.load(tensors);
    }

    public String weightsSha256() {
        return WeightCodec.sha256Hex(encodeWeights());
    }

    /** Replaces all weights in place, e.g. with a newer version received from the learner. */
    public void loadWeights(byte[] encoded) {
        WeightFile file = WeightCodec.decode(encoded);
        requireCompatible(file);
        loadTensors(file.tensors());
    }

    /**
     * A network rebuilt from encoded weights: {@code fresh} makes one of the file's size, then its
     * tensors are replaced by the file's (closed again if the file does not fit it).
     */
    protected static <T extends TransformerNetwork> T rebuild(byte[] encoded, Function<ModelConfig, T> fresh) {
        return rebuild(WeightCodec.decode(encoded), fresh);
    }

    /** As {@link #rebuild(byte[], Function)}, from a decoded file. */
    protected static <T extends TransformerNetwork> T rebuild(WeightFile file, Function<ModelConfig, T> fresh) {
        T model = fresh.apply(file.config());
        try {
            model.requireCompatible(file);
            model.loadTensors(file.tensors());
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    protected void requireCompatible(WeightFile file) {
        if (!file.kind().equals(kind())) {
            throw new IllegalArgumentException("weights are for a " + file.kind() + " model, not " + kind());
        }
        if (!file.config().equals(config)) {
            throw new IllegalArgumentException("weights are for " + file.config() + ", this model is " + config);
        }
    }

    /** Trunk hidden states (B, R, width) at the columns that predict each response token. */
    protected NDArray responseHidden(NDManager manager, ResponseBatch batch) {
        return responseHidden(batch, batch.toTrunkInput(manager));
    }

    /** As {@link #responseHidden(NDManager, ResponseBatch)}, for the batch laid out as {@code input}. */
    protected NDArray responseHidden(ResponseBatch batch, TrunkInput input) {
        NDArray hidden = trunk.hidden(parameters, input, null);
        int first = batch.promptWidth() - 1;
        return hidden.get(new NDIndex(":, {}:{}", first, first + batch.responseWidth()));
    }

    /** How many arrays the network's own manager holds: constant unless something leaks into it. */
    int managedArrayCount() {
        return parameters.manager().getManagedArrays().size();
    }

    @Override
    public void close() {
        parameters.close();
    }
}
