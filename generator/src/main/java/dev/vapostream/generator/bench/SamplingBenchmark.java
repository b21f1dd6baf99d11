package dev.vapostream.generator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.sampling.FinishReason;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.tokenizer.CharTokenizer;

/**
 * Sampling throughput of the policy with the KV cache (the model module's {@link Sampler}) and
 * without it ({@link RecomputeSampler}), on a randomly initialised policy of a given size.
 * {@code bench/sampling_benchmark.py} measures the same model in PyTorch; docs/benchmarks.md has
 * the commands and figures.
 *
 * <pre>
 * SamplingBenchmark [--layers 2] [--width 64] [--heads 4] [--context 128] [--batch 64]
 *                   [--prompt-tokens 16] [--new-tokens 64] [--warmup 3] [--runs 9] [--mode both|cached|recompute]
 *                   [--lockstep false]
 * </pre>
 * With {@code --lockstep true} every run (warm-up runs included) waits for a line on standard input
 * and prints {@code step N: X ms} when done, so that {@code vapo bench} can step this program and
 * the PyTorch one alternately.
 * Throughput counts batch x new tokens per run: a response that stops at EOS early still costs
 * its row every step, as in the batched sampler, and the runs are checked to have taken every step.
 */
public final class SamplingBenchmark {
    private SamplingBenchmark() {
    }

    public static void main(String[] args) {
        Map<String, String> options = parse(args);
        int layers = Integer.parseInt(options.get("layers"));
        int width = Integer.parseInt(options.get("width"));
        int heads = Integer.parseInt(options.get("heads"));
        int context = Integer.parseInt(options.get("context"));
        int batch = Integer.parseInt(options.get("batch"));
        int promptTokens = Integer.parseInt(options.get("prompt-tokens"));
        int newTokens = Integer.parseInt(options.get("new-tokens"));
        int warmup = Integer.parseInt(options.get("warmup"));
        int runs = Integer.parseInt(options.get("runs"));
        String mode = options.get("mode");
        BufferedReader go = Boolean.parseBoolean(options.get("lockstep"))
            ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)) : null;

        CharTokenizer tokenizer = CharTokenizer.forBuiltInTask();
        ModelConfig config = ModelConfig.of(tokenizer.vocabSize(), context, layers, width, heads);
        List<int[]> prompts = prompts(batch, promptTokens, tokenizer.vocabSize());
        SamplingSettings settings = SamplingSettings.unbiased(newTokens);
        System.out.printf(Locale.ROOT, "engine %s %s, threads %s (interop %s), %s, batch %d x (%d prompt + %d new tokens)%n",
            Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(),
            System.getProperty("ai.djl.pytorch.num_threads", "default"),
            System.getProperty("ai.djl.pytorch.num_interop_threads", "default"),
            config, batch, promptTokens, newTokens);
        try (PolicyModel policy = PolicyModel.initialise(config, 1L)) {
            suppressEos(policy);
            System.out.printf(Locale.ROOT, "policy has %d parameters%n", policy.parameterCount());
            double cached = Double.NaN;
            double recompute = Double.NaN;
            if (!mode.equals("recompute")) {
                Sampler sampler = new Sampler(policy);
                cached = measure("kv-cache", warmup, runs, batch * (long) newTokens, newTokens,
                    seed -> sampler.sample(prompts, settings, seed), go);
            }
            if (!mode.equals("cached")) {
                RecomputeSampler sampler = new RecomputeSampler(policy);
                recompute = measure("recompute", warmup, runs, batch * (long) newTokens, newTokens,
                    seed -> sampler.sample(prompts, settings, seed), go);
            }
            if (!Double.isNaN(cached) && !Double.isNaN(recompute)) {
                System.out.printf(Locale.ROOT, "kv-cache / recompute speed-up: %.2fx%n", cached / recompute);
            }
        }
    }

    /**
     * Runs {@code sample} warmup + runs times; prints every run and the median; returns median
     * tokens/s. With {@code go}, each run first waits for a line from it and prints its step line.
     */
    private static double measure(String name, int warmup, int runs, long tokensPerRun, int newTokens,
                                  java.util.function.LongFunction<List<SampledResponse>> sample, BufferedReader go) {
        for (int i = 0; i < warmup; i++) {
            awaitStep(go, i);
            long start = System.nanoTime();
            sample.apply(1000 + i);
            if (go != null) {
                System.out.printf(Locale.ROOT, "warm-up step %d: %.1f ms%n", i, (System.nanoTime() - start) / 1e6);
            }
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            awaitStep(go, warmup + i);
            long start = System.nanoTime();
            List<SampledResponse> responses = sample.apply(i);
            millis[i] = (System.nanoTime() - start) / 1e6;
            requireAllSteps(responses, newTokens);
            if (go != null) {
                System.out.printf(Locale.ROOT, "step %d: %.1f ms%n", warmup + i, millis[i]);
            }
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double median = sorted[runs / 2];
        double tokensPerSecond = tokensPerRun / (median / 1000.0);
        System.out.printf(Locale.ROOT, "%-9s runs (ms): %s%n", name, Arrays.toString(round(millis)));
        System.out.printf(Locale.ROOT, "%-9s median %.1f ms, %.0f tokens/s%n", name, median, tokensPerSecond);
        return tokensPerSecond;
    }

    private static void awaitStep(BufferedReader go, int step) {
        try {
            if (go != null && go.readLine() == null) {
                throw new IllegalStateException("--lockstep: input closed before step " + step);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sampler stops once every row has sampled EOS; the figures assume it never stopped early. */
    private static void requireAllSteps(List<SampledResponse> responses, int newTokens) {
        boolean fullLength = responses.stream()
            .anyMatch(r -> r.finishReason() == FinishReason.MAX_LENGTH || r.length() == newTokens);
        if (!fullLength) {
            throw new IllegalStateException("every row ended with EOS before " + newTokens + " tokens; use a larger batch");
        }
    }

    /**
     * Makes EOS practically impossible so that every run takes all {@code new-tokens} steps: a
     * random policy would otherwise stop at a random step and the runs would do different work.
     * The final LayerNorm's output has zero mean over the width, so with beta = 1 and the head's
     * EOS column = -1 the EOS logit is exactly -width; other logits only shift by a constant.
     * The Python script does the same.
     */
    static void suppressEos(PolicyModel policy) {
        List<String> names = policy.parameterNames();
        List<NDArray> arrays = policy.parameters();
        NDArray beta = arrays.get(names.indexOf("final_ln.beta"));
        NDArray head = arrays.get(names.indexOf("lm_head.weight"));
        float[] ones = new float[Math.toIntExact(beta.size())];
        Arrays.fill(ones, 1f);
        beta.set(ones);
        float[] weights = head.toFloatArray();
        int vocab = Math.toIntExact(head.getShape().get(1));
        for (int row = 0; row < weights.length / vocab; row++) {
            weights[row * vocab + CharTokenizer.EOS] = -1f;
        }
        head.set(weights);
    }

    /** BOS followed by random alphabet characters, every prompt the same length (no padding, as in the Python script). */
    static List<int[]> prompts(int batch, int length, int vocabSize) {
        SplittableRandom random = new SplittableRandom(7);
        List<int[]> prompts = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            int[] prompt = new int[length];
            prompt[0] = CharTokenizer.BOS;
            for (int i = 1; i < length; i++) {
                prompt[i] = random.nextInt(CharTokenizer.EOS + 1, vocabSize);
            }
            prompts.add(prompt);
        }
        return prompts;
    }

    private static double[] round(double[] values) {
        double[] r = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            r[i] = Math.round(values[i] * 10) / 10.0;
        }
        return r;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>(Map.of("layers", "2", "width", "64", "heads", "4",
            "context", "128", "batch", "64", "prompt-tokens", "16", "new-tokens", "64", "warmup", "3", "runs", "9",
            "mode", "both"));
        options.put("lockstep", "false");
        for (int i = 0; i < args.length; i++) {
            String key = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (key == null || !options.containsKey(key) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option '" + args[i] + "'; options: " + options.keySet());
            }
            options.put(key, args[++i]);
        }
        return options;
    }
}
