package dev.vapostream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vapostream.model.nn.KvCache;
import dev.vapostream.model.nn.ParameterInitializer;
import dev.vapostream.model.nn.Parameters;
import dev.vapostream.model.nn.ResponseBatch;
import dev.vapostream.model.nn.TrunkInput;
import dev.vapostream.model.weights.NamedTensor;
import java.util.List;

/** The policy: the transformer trunk with a language-model head (width to vocabulary logits). */
public final class PolicyModel extends TransformerNetwork {

    public static final String KIND = "policy";
    static final String HEAD = "lm_head.weight";
    private static final double HEAD_INIT_STD = 0.02;

    private PolicyModel(ModelConfig config, Parameters parameters) {
        super(config, parameters);
    }

    /** A freshly initialised policy; the same seed gives the same weights bit for bit. */
    public static PolicyModel initialise(ModelConfig config, long seed) {
        PolicyModel model = new PolicyModel(config, new Parameters(NDManager.newBaseManager()));
        ParameterInitializer init = new ParameterInitializer(seed);
        model.trunk().initialise(model.parameterStore(), init);
        int[] headShape = {config.width(), config.vocabSize()};
        model.parameterStore().add(HEAD, headShape, init.normal(headShape, HEAD_INIT_STD));
        return model;
    }

    /** A policy rebuilt from {@link #encodeWeights()} bytes. */
    public static PolicyModel fromWeights(byte[] encoded) {
        return rebuild(encoded, config -> initialise(config, 0L));
    }

    @Override
    protected String kind() {
        return KIND;
    }

    /**
     * A separate critic network whose trunk starts as a copy of this policy's trunk and whose
     * scalar head is freshly initialised from {@code headSeed}. The copy shares no memory with
     * the policy: VAPO trains the two independently.
     */
    public ValueModel newValueModel(long headSeed) {
        return newValueModel(headSeed, false);
    }

    /**
     * As {@link #newValueModel(long)}; with {@code policyFeatures} the critic also reads this
     * policy's per-token features through a frozen copy of it (see {@link ValueModel}), so it
     * keeps reading the policy as it is now however the policy trains later.
     */
    public ValueModel newValueModel(long headSeed, boolean policyFeatures) {
        return ValueModel.fromTrunk(config(), trunkTensors(), headSeed, policyFeatures ? copy() : null);
    }

    /** A deep copy (e.g. a frozen reference or a behaviour snapshot). */
    public PolicyModel copy() {
        return fromWeights(encodeWeights());
    }

    /** Next-token logits (B, T, V) for a trunk input, optionally writing/reading a KV cache. */
    public NDArray logits(TrunkInput input, KvCache cache) {
        NDArray hidden = trunk().hidden(parameterStore(), input, cache);
        return hidden.matMul(parameterStore().get(HEAD));
    }

    /**
     * Log-probabilities of the given response tokens and the per-token entropy, teacher-forced in
     * one differentiable pass. Arrays are created in {@code manager} (use a scope or a
     * per-step sub-manager).
     */
    public PolicyScores score(NDManager manager, List<int[]> prompts, List<int[]> responses) {
        ResponseBatch batch = new ResponseBatch(prompts, responses, config().contextLength(), config().responseStart());
        NDArray logits = responseHidden(manager, batch).matMul(parameterStore().get(HEAD));
        NDArray logProbs = logits.logSoftmax(-1);
        NDArray mask = batch.responseMask(manager);
        NDArray chosen = logProbs.gather(batch.targets(manager).expandDims(2), 2).squeeze(2);
        NDArray entropy = logProbs.exp().mul(logProbs).sum(new int[] {2}).neg();
        return new PolicyScores(chosen.mul(mask), entropy.mul(mask), mask);
    }

    private List<NamedTensor> trunkTensors() {
        return parameterStore().toTensors().stream().filter(t -> !t.name().equals(HEAD)).toList();
    }
}
