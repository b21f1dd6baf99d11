package dev.vapostream.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batched, KV-cached sampling of responses from a policy. Each decode step runs in its own
 * {@link NDScope} (one scope around a whole generation was seen to grow memory 4x), so
 * nothing created while sampling survives it except the returned Java arrays. Autograd
 * recording is switched off for the call (and restored after), so it is safe on any thread,
 * even inside an open GradientCollector.
 */
public final class Sampler {

    private final PolicyModel model;

    public Sampler(PolicyModel model) {
        this.model = model;
    }

    /** One response per prompt; the same model, prompts, settings and seed give the same output. */
    public List<SampledResponse> sample(List<int[]> prompts, SamplingSettings settings, long seed) {
        TokenChooser chooser = new TokenChooser(settings, seed);
        Generation generation = new Generation(prompts.size(), settings.maxNewTokens());
        try (NoGradient ignoredGradient = NoGradient.enter();
                KvDecoder decoder = new KvDecoder(model, prompts, settings.maxNewTokens())) {
            try (NDScope ignored = new NDScope()) {
                generation.record(chooser.choose(decoder.prefill()));
            }
            while (!generation.done()) {
                try (NDScope ignored = new NDScope()) {
                    NDArray logits = decoder.next(generation.lastTokens());
                    generation.record(chooser.choose(logits));
                }
            }
        }
        return generation.responses();
    }

    /** Per-row progress of one batched generation, in plain Java arrays. */
    private static final class Generation {

        private final int[][] tokens;
        private final float[][] logProbs;
        private final int[] lengths;
        private final boolean[] finishedByEos;
        private final int maxNewTokens;
        private int[] lastTokens;
        private int steps;

        Generation(int batchSize, int maxNewTokens) {
            this.tokens = new int[batchSize][maxNewTokens];
            this.logProbs = new float[batchSize][maxNewTokens];
            this.lengths = new int[batchSize];
            this.finishedByEos = new boolean[batchSize];
            this.maxNewTokens = maxNewTokens;
        }

        void record(TokenChooser.Choice choice) {
            for (int row = 0; row < lengths.length; row++) {
                if (finishedByEos[row]) {
                    continue;
                }
                int token = choice.tokens()[row];
                tokens[row][lengths[row]] = token;
                logProbs[row][lengths[row]] = choice.logProbs()[row];
                lengths[row]++;
                finishedByEos[row] = token == CharTokenizer.EOS;
            }
            // Finished rows keep being fed their last token; what they produce is discarded.
            lastTokens = choice.tokens();
            steps++;
        }

        boolean done() {
            if (steps >= maxNewTokens) {
                return true;
            }
            for (boolean finished : finishedByEos) {
                if (!finished) {
                    return false;
                }
            }
            return true;
        }

        int[] lastTokens() {
            return lastTokens;
        }

        List<SampledResponse> responses() {
            List<SampledResponse> responses = new ArrayList<>(lengths.length);
            for (int row = 0; row < lengths.length; row++) {
                responses.add(new SampledResponse(Arrays.copyOf(tokens[row], lengths[row]),
                        Arrays.copyOf(logProbs[row], lengths[row]),
                        finishedByEos[row] ? FinishReason.EOS : FinishReason.MAX_LENGTH));
            }
            return responses;
        }
    }
}
