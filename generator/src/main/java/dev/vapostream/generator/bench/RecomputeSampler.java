package dev.vapostream.generator.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.nn.AttentionBias;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.nn.PromptLayout;
import dev.vapostream.model.nn.TrunkInput;
import dev.vapostream.model.sampling.FinishReason;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.sampling.TokenChooser;
import dev.vapostream.model.tokenizer.CharTokenizer;

/**
 * The no-cache baseline of the sampling benchmark: every step runs the full forward pass over
 * prompt plus everything generated so far and keeps only the last column's logits, as a sampler
 * without a KV cache must. Same layout, token choice and stopping rule as the model module's
 * KV-cached {@code Sampler}, so with the same seed it samples the same tokens (up to float
 * rounding) and the two differ only in how much they compute.
 */
public final class RecomputeSampler {
    private final PolicyModel model;

    public RecomputeSampler(PolicyModel model) {
        this.model = model;
    }

    public List<SampledResponse> sample(List<int[]> prompts, SamplingSettings settings, long seed) {
        PromptLayout layout = new PromptLayout(prompts, model.config().responseStart());
        int batch = layout.batchSize();
        int max = settings.maxNewTokens();
        int[][] generated = new int[batch][max];
        float[][] logProbs = new float[batch][max];
        int[] lengths = new int[batch];
        boolean[] done = new boolean[batch];
        TokenChooser chooser = new TokenChooser(settings, seed);
        try (NoGradient ignored = NoGradient.enter(); NDManager manager = NDManager.newBaseManager()) {
            for (int step = 0; step < max && !allDone(done); step++) {
                try (NDScope scope = new NDScope()) {
                    TrunkInput input = input(manager, layout, generated, step);
                    NDArray last = model.logits(input, null).get(new NDIndex(":, -1, :"));
                    TokenChooser.Choice choice = chooser.choose(last);
                    record(choice, step, generated, logProbs, lengths, done);
                }
            }
        }
        List<SampledResponse> responses = new ArrayList<>(batch);
        for (int row = 0; row < batch; row++) {
            responses.add(new SampledResponse(Arrays.copyOf(generated[row], lengths[row]),
                Arrays.copyOf(logProbs[row], lengths[row]), done[row] ? FinishReason.EOS : FinishReason.MAX_LENGTH));
        }
        return responses;
    }

    /** Prompt (left-padded) plus the first {@code steps} generated tokens of every row. */
    private static TrunkInput input(NDManager manager, PromptLayout layout, int[][] generated, int steps) {
        int batch = layout.batchSize();
        int columns = layout.width() + steps;
        long[] tokens = new long[batch * columns];
        long[] positions = new long[batch * columns];
        float[] keyValid = new float[batch * columns];
        for (int row = 0; row < batch; row++) {
            for (int column = 0; column < columns; column++) {
                int at = row * columns + column;
                // Finished rows keep being fed their last token, as in the cached sampler.
                tokens[at] = column < layout.width() ? layout.token(row, column) : generated[row][column - layout.width()];
                positions[at] = layout.position(row, column);
                keyValid[at] = column >= layout.width() || layout.isReal(row, column) ? 1f : 0f;
            }
        }
        Shape shape = new Shape(batch, columns);
        return new TrunkInput(manager.create(tokens, shape), manager.create(positions, shape),
            AttentionBias.build(manager, keyValid, batch, 0, columns), 0);
    }

    private static void record(TokenChooser.Choice choice, int step, int[][] generated, float[][] logProbs,
                               int[] lengths, boolean[] done) {
        for (int row = 0; row < done.length; row++) {
            generated[row][step] = choice.tokens()[row];
            if (done[row]) {
                continue;
            }
            logProbs[row][lengths[row]] = choice.logProbs()[row];
            lengths[row]++;
            done[row] = choice.tokens()[row] == CharTokenizer.EOS;
        }
    }

    private static boolean allDone(boolean[] done) {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }
}
