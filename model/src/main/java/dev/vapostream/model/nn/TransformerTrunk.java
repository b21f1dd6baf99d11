package dev.vapostream.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.vapostream.model.ModelConfig;

/**
 * The decoder-only transformer body shared by policy and value model: token plus learned
 * position embeddings, pre-LayerNorm blocks (causal multi-head self-attention, GELU MLP) and a
 * final LayerNorm. It is stateless: the tensors live in a {@link Parameters}, so one trunk
 * definition serves both networks and the weight file.
 */
public final class TransformerTrunk {

    private static final float LAYER_NORM_EPSILON = 1e-5f;
    private static final double INIT_STD = 0.02;

    private final ModelConfig config;

    public TransformerTrunk(ModelConfig config) {
        this.config = config;
    }

    /** Adds the trunk's tensors to {@code parameters}, GPT-2 style initialised. */
    public void initialise(Parameters parameters, ParameterInitializer init) {
        int d = config.width();
        // Residual-branch output projections are scaled down so the residual stream's variance
        // does not grow with depth.
        double residualStd = INIT_STD / Math.sqrt(2.0 * config.layers());
        addNormal(parameters, init, "embed.tokens", new int[] {config.vocabSize(), d}, INIT_STD);
        addNormal(parameters, init, "embed.positions", new int[] {config.contextLength(), d}, INIT_STD);
        for (int layer = 0; layer < config.layers(); layer++) {
            String p = "block" + layer + ".";
            addLayerNorm(parameters, p + "ln1", d);
            addNormal(parameters, init, p + "attn.qkv.weight", new int[] {d, 3 * d}, INIT_STD);
            addZeros(parameters, p + "attn.qkv.bias", new int[] {3 * d});
            addNormal(parameters, init, p + "attn.out.weight", new int[] {d, d}, residualStd);
            addZeros(parameters, p + "attn.out.bias", new int[] {d});
            addLayerNorm(parameters, p + "ln2", d);
            addNormal(parameters, init, p + "mlp.in.weight", new int[] {d, config.mlpWidth()}, INIT_STD);
            addZeros(parameters, p + "mlp.in.bias", new int[] {config.mlpWidth()});
            addNormal(parameters, init, p + "mlp.out.weight", new int[] {config.mlpWidth(), d}, residualStd);
            addZeros(parameters, p + "mlp.out.bias", new int[] {d});
        }
        addLayerNorm(parameters, "final_ln", d);
    }

    /**
     * Hidden states (B, T, width) after the final LayerNorm. With a cache, this call's keys and
     * values are stored at columns [start, start + T) and the queries attend to all cached
     * columns [0, start + T).
     */
    public NDArray hidden(Parameters parameters, TrunkInput input, KvCache cache) {
        if (cache == null && input.start() != 0) {
            throw new IllegalArgumentException("start must be 0 without a KV cache, was " + input.start());
        }
        NDArray x = embed(parameters, input);
        for (int layer = 0; layer < config.layers(); layer++) {
            x = block(parameters, layer, x, input, cache);
        }
        return layerNorm(parameters, "final_ln", x);
    }

    private NDArray embed(Parameters parameters, TrunkInput input) {
        NDArray tokens = lookup(parameters.get("embed.tokens"), input.tokens());
        NDArray positions = lookup(parameters.get("embed.positions"), input.positions());
        NDArray embedded = tokens.add(positions);
        return input.addedEmbedding() == null ? embedded : embedded.add(input.addedEmbedding());
    }

    private static NDArray lookup(NDArray table, NDArray ids) {
        // Called on the ids so the result belongs to the caller's manager, never to the parameters' manager.
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray block(Parameters parameters, int layer, NDArray x, TrunkInput input, KvCache cache) {
        String p = "block" + layer + ".";
        NDArray attended = attention(parameters, p, layer, layerNorm(parameters, p + "ln1", x), input, cache);
        NDArray afterAttention = x.add(attended);
        NDArray mlpHidden = linear(parameters, p + "mlp.in", layerNorm(parameters, p + "ln2", afterAttention))
                .getNDArrayInternal().gelu();
        return afterAttention.add(linear(parameters, p + "mlp.out", mlpHidden));
    }

    private NDArray attention(Parameters parameters, String p, int layer, NDArray x, TrunkInput input, KvCache cache) {
        long batch = x.getShape().get(0);
        long queries = x.getShape().get(1);
        NDList qkv = linear(parameters, p + "attn.qkv", x).split(3, 2);
        NDArray q = splitHeads(qkv.get(0), batch, queries);
        NDArray k = splitHeads(qkv.get(1), batch, queries);
        NDArray v = splitHeads(qkv.get(2), batch, queries);
        if (cache != null) {
            int end = Math.toIntExact(input.start() + queries);
            cache.write(layer, input.start(), k, v);
            k = cache.keysUpTo(layer, end);
            v = cache.valuesUpTo(layer, end);
        }
        NDManager manager = x.getManager();
        NDArray scale = Scalars.of(manager, (float) (1.0 / Math.sqrt(config.headWidth())));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale).add(input.attentionBias());
        NDArray mixed = scores.softmax(-1).matMul(v);
        NDArray merged = mixed.transpose(0, 2, 1, 3).reshape(batch, queries, config.width());
        return linear(parameters, p + "attn.out", merged);
    }

    private NDArray splitHeads(NDArray x, long batch, long queries) {
        return x.reshape(batch, queries, config.heads(), config.headWidth()).transpose(0, 2, 1, 3);
    }

    /**
     * x·W + b as the engine's {@code linear}, which adds the bias inside the matrix product (one
     * addmm) instead of a second pass over the output. It takes the weight as (out, in), ours is
     * stored (in, out), so it gets a transposed view, moved at once to the caller's manager so that
     * nothing per call stays with the parameters.
     */
    private static NDArray linear(Parameters parameters, String name, NDArray x) {
        NDArray weightOutIn = parameters.get(name + ".weight").transpose();
        weightOutIn.attach(x.getManager());
        return x.getNDArrayInternal().linear(x, weightOutIn, parameters.get(name + ".bias")).singletonOrThrow();
    }

    private NDArray layerNorm(Parameters parameters, String name, NDArray x) {
        return x.getNDArrayInternal()
                .layerNorm(x, new Shape(config.width()), parameters.get(name + ".gamma"),
                        parameters.get(name + ".beta"), LAYER_NORM_EPSILON)
                .singletonOrThrow();
    }

    private static void addNormal(Parameters parameters, ParameterInitializer init, String name, int[] shape, double std) {
        parameters.add(name, shape, init.normal(shape, std));
    }

    private static void addZeros(Parameters parameters, String name, int[] shape) {
        parameters.add(name, shape, ParameterInitializer.constant(shape, 0f));
    }

    private static void addLayerNorm(Parameters parameters, String name, int width) {
        int[] shape = {width};
        parameters.add(name + ".gamma", shape, ParameterInitializer.constant(shape, 1f));
        parameters.add(name + ".beta", shape, ParameterInitializer.constant(shape, 0f));
    }
}
