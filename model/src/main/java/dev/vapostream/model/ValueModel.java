package dev.vapostream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.nn.ParameterInitializer;
import dev.vapostream.model.nn.Parameters;
import dev.vapostream.model.nn.ResponseBatch;
import dev.vapostream.model.nn.TrunkInput;
import dev.vapostream.model.weights.NamedTensor;
import dev.vapostream.model.weights.WeightCodec;
import dev.vapostream.model.weights.WeightFile;
import java.util.ArrayList;
import java.util.List;

/**
 * The critic: the same trunk architecture with a scalar value head on every position.
 *
 * <p>A critic may also read the policy's features: a frozen copy of a policy (the base, when
 * the learner makes it) scores every response token, and the token's probability, its
 * log-probability and the entropy of the distribution it was drawn from, through a learned
 * 3 × width projection, are added to the token's embedding. The frozen copy is part of the
 * critic's weights (its tensors prefixed {@value #FEATURE_POLICY_PREFIX}) and is never trained;
 * {@link #parameters()} holds only what the critic trains. The owner of a replay pool can have
 * the features of the last responses scored remembered ({@link #rememberPolicyFeatures(int)}),
 * so a response drawn again from the pool is not scored by the frozen copy again.
 */
public final class ValueModel extends TransformerNetwork {

    public static final String KIND = "value";
    static final String HEAD_WEIGHT = "value_head.weight";
    static final String HEAD_BIAS = "value_head.bias";
    static final String FEATURE_PROJECTION = "value_in.policy_features";
    static final String FEATURE_POLICY_PREFIX = "feature_policy.";
    private static final int FEATURES = 3;
    private static final double HEAD_INIT_STD = 0.02;
    // A token the policy all but ruled out would otherwise give a log-probability of any size.
    private static final float LOG_PROB_FLOOR = -20f;
    private static final float LOG_PROB_SCALE = 10f;

    private final PolicyModel featurePolicy;
    private final PolicyFeatureMemo memo = new PolicyFeatureMemo();

    private ValueModel(ModelConfig config, Parameters parameters, PolicyModel featurePolicy) {
        super(config, parameters);
        this.featurePolicy = featurePolicy;
    }

    /** A critic with a freshly initialised trunk and head. */
    public static ValueModel initialise(ModelConfig config, long seed) {
        return initialise(config, seed, null);
    }

    /** A fresh critic; it owns {@code featurePolicy} (closed with it, or at once if it cannot be made). */
    private static ValueModel initialise(ModelConfig config, long seed, PolicyModel featurePolicy) {
        ValueModel model = new ValueModel(config, new Parameters(NDManager.newBaseManager()), featurePolicy);
        try {
            ParameterInitializer init = new ParameterInitializer(seed);
            model.trunk().initialise(model.parameterStore(), init);
            model.addHead(init);
            if (featurePolicy != null) {
                int[] shape = {FEATURES, config.width()};
                model.parameterStore().add(FEATURE_PROJECTION, shape, init.normal(shape, HEAD_INIT_STD));
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * A critic whose trunk is a copy of the given trunk tensors, with a fresh head; it reads the
     * features of {@code featurePolicy}, which it then owns and closes, when that is not null.
     */
    static ValueModel fromTrunk(ModelConfig config, List<NamedTensor> trunkTensors, long headSeed,
                                PolicyModel featurePolicy) {
        ValueModel model = initialise(config, headSeed, featurePolicy);
        try {
            for (NamedTensor tensor : trunkTensors) {
                model.parameterStore().get(tensor.name()).set(tensor.values());
            }
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** A critic rebuilt from {@link #encodeWeights()} bytes, with the policy's features if it was written with them. */
    public static ValueModel fromWeights(byte[] encoded) {
        WeightFile file = WeightCodec.decode(encoded);
        boolean features = file.tensors().stream().anyMatch(t -> t.name().equals(FEATURE_PROJECTION));
        return rebuild(file, config -> initialise(config, 0L, features ? PolicyModel.initialise(config, 0L) : null));
    }

    @Override
    protected String kind() {
        return KIND;
    }

    /** Whether this critic reads the policy's features. */
    public boolean readsPolicyFeatures() {
        return featurePolicy != null;
    }

    /**
     * From now on remembers the policy's features of the last {@code responses} responses it
     * scored (0, as a critic starts: none), the least recently used forgotten first. Remembering
     * costs memory and pays only where the same responses are scored again, as from a replay
     * pool, whose size this should be. A critic that does not read the policy's features has
     * nothing to remember and refuses a memory.
     */
    public void rememberPolicyFeatures(int responses) {
        if (responses > 0 && !readsPolicyFeatures()) {
            throw new IllegalStateException("this critic does not read the policy's features, so it has none to remember");
        }
        memo.resize(responses);
    }

    /** The most responses whose features this critic remembers (0: none). */
    public int policyFeatureMemory() {
        return memo.capacity();
    }

    /**
     * Values (B, R), differentiable: entry j is V(prompt + response tokens before j), the value
     * of the state in which response token j is chosen. 0 at padding.
     */
    public ValueScores score(NDManager manager, List<int[]> prompts, List<int[]> responses) {
        ResponseBatch batch = new ResponseBatch(prompts, responses, config().contextLength(), config().responseStart());
        TrunkInput input = batch.toTrunkInput(manager);
        if (featurePolicy != null) {
            input = input.withAddedEmbedding(featureEmbedding(manager, batch, prompts, responses));
        }
        NDArray values = responseHidden(batch, input)
                .matMul(parameterStore().get(HEAD_WEIGHT))
                .squeeze(2)
                .add(parameterStore().get(HEAD_BIAS));
        NDArray mask = batch.responseMask(manager);
        return new ValueScores(values.mul(mask), mask);
    }

    /**
     * The projected features (B, columns, width) of every fed column: zero over the prompt,
     * response token j's at column promptWidth + j, where the trunk reads that token.
     */
    private NDArray featureEmbedding(NDManager manager, ResponseBatch batch, List<int[]> prompts, List<int[]> responses) {
        float[][] perResponse = perResponseFeatures(manager, prompts, responses);
        int columns = batch.inputWidth();
        int fed = columns - batch.promptWidth();
        float[] laidOut = new float[batch.batchSize() * columns * FEATURES];
        for (int row = 0; row < perResponse.length; row++) {
            int tokens = Math.min(fed, responses.get(row).length);
            System.arraycopy(perResponse[row], 0, laidOut, (row * columns + batch.promptWidth()) * FEATURES, tokens * FEATURES);
        }
        NDArray features = manager.create(laidOut, new Shape(batch.batchSize(), columns, FEATURES));
        return features.matMul(parameterStore().get(FEATURE_PROJECTION));
    }

    /**
     * Each response's features, {@value #FEATURES} numbers per token, token by token: remembered,
     * or scored by the frozen policy now.
     */
    private float[][] perResponseFeatures(NDManager manager, List<int[]> prompts, List<int[]> responses) {
        float[][] perResponse = new float[responses.size()][];
        List<Integer> unseen = new ArrayList<>();
        for (int row = 0; row < responses.size(); row++) {
            perResponse[row] = memo.get(prompts.get(row), responses.get(row));
            if (perResponse[row] == null) {
                unseen.add(row);
            }
        }
        if (unseen.isEmpty()) {
            return perResponse;
        }
        List<int[]> unseenResponses = unseen.stream().map(responses::get).toList();
        List<float[]> logProbs;
        List<float[]> entropy;
        try (NoGradient ignored = NoGradient.enter(); NDManager scoring = manager.newSubManager()) {
            PolicyScores scores = featurePolicy.score(scoring, unseen.stream().map(prompts::get).toList(), unseenResponses);
            logProbs = scores.logProbsPerResponse(unseenResponses);
            entropy = scores.entropyPerResponse(unseenResponses);
        }
        for (int k = 0; k < unseen.size(); k++) {
            int row = unseen.get(k);
            float[] features = new float[responses.get(row).length * FEATURES];
            for (int j = 0; j < responses.get(row).length; j++) {
                float logProb = logProbs.get(k)[j];
                features[j * FEATURES] = (float) Math.exp(logProb);
                features[j * FEATURES + 1] = Math.max(logProb, LOG_PROB_FLOOR) / LOG_PROB_SCALE;
                features[j * FEATURES + 2] = entropy.get(k)[j];
            }
            memo.put(prompts.get(row), responses.get(row), features);
            perResponse[row] = features;
        }
        return perResponse;
    }

    @Override
    protected List<NamedTensor> tensors() {
        List<NamedTensor> tensors = new ArrayList<>(super.tensors());
        if (featurePolicy != null) {
            for (NamedTensor t : featurePolicy.tensors()) {
                tensors.add(new NamedTensor(FEATURE_POLICY_PREFIX + t.name(), t.shape(), t.values()));
            }
        }
        return tensors;
    }

    @Override
    protected void loadTensors(List<NamedTensor> tensors) {
        List<NamedTensor> own = new ArrayList<>();
        List<NamedTensor> frozen = new ArrayList<>();
        for (NamedTensor t : tensors) {
            if (t.name().startsWith(FEATURE_POLICY_PREFIX)) {
                frozen.add(new NamedTensor(t.name().substring(FEATURE_POLICY_PREFIX.length()), t.shape(), t.values()));
            } else {
                own.add(t);
            }
        }
        // Checked before anything is overwritten, so a refused file leaves this critic as it was.
        if (featurePolicy == null && !frozen.isEmpty()) {
            throw new IllegalArgumentException("these critic weights read the policy's features; this critic does not");
        }
        if (featurePolicy != null && frozen.isEmpty()) {
            throw new IllegalArgumentException("these critic weights do not read the policy's features; this critic does");
        }
        super.loadTensors(own);
        if (featurePolicy != null) {
            memo.clear();
            featurePolicy.loadTensors(frozen);
        }
    }

    /** Responses whose features this critic remembers (for tests). */
    int rememberedResponses() {
        return memo.size();
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            if (featurePolicy != null) {
                featurePolicy.close();
            }
        }
    }

    private void addHead(ParameterInitializer init) {
        int[] weightShape = {config().width(), 1};
        parameterStore().add(HEAD_WEIGHT, weightShape, init.normal(weightShape, HEAD_INIT_STD));
        parameterStore().add(HEAD_BIAS, new int[] {1}, ParameterInitializer.constant(new int[] {1}, 0f));
    }
}
