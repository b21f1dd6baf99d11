package dev.vapostream.model.experiments;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.PolicyScores;
import dev.vapostream.model.nn.Scalars;
import dev.vapostream.model.training.AdamW;
import dev.vapostream.model.training.GradientClipping;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.answer.FinalAnswer;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Experiment (a main, not a test): how fast does supervised training teach the default model
 * variants of the running-sum task, optionally from a teacher that slips? Prints loss and
 * accuracy per term count at temperature 1 and greedy.
 *
 * <p>Arguments as key=value: variant=signed|mod10 noise=0.0 minTerms=1 maxTerms=10 steps=2000
 * lr=1e-3 batch=32 evalEvery=200 seed=1 save=path.
 */
public final class TaskVariantSft {

    private static final CharTokenizer TOKENIZER = BuiltInTask.tokenizer();
    private static boolean lineMode;
    private static int padTo;

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            options.put(kv[0], kv[1]);
        }
        String variant = options.getOrDefault("variant", "mod10");
        double noise = Double.parseDouble(options.getOrDefault("noise", "0"));
        int minTerms = Integer.parseInt(options.getOrDefault("minTerms", "1"));
        int maxTerms = Integer.parseInt(options.getOrDefault("maxTerms", "10"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "2000"));
        float lr = Float.parseFloat(options.getOrDefault("lr", "1e-3"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "32"));
        int evalEvery = Integer.parseInt(options.getOrDefault("evalEvery", "200"));
        long seed = Long.parseLong(options.getOrDefault("seed", "1"));
        int layers = Integer.parseInt(options.getOrDefault("layers", "2"));
        int width = Integer.parseInt(options.getOrDefault("width", "64"));
        boolean mod10 = !variant.equals("signed");
        lineMode = variant.equals("lines");
        padTo = Integer.parseInt(options.getOrDefault("padTo", "0"));

        SplittableRandom data = new SplittableRandom(seed);
        SplittableRandom evalData = new SplittableRandom(seed + 1000);
        List<int[]> validation = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            validation.add(draw(evalData, evalData.nextInt(minTerms, maxTerms + 1), mod10));
        }
        ModelConfig config = ModelConfig.of(BuiltInTask.tokenizer().vocabSize(), BuiltInTask.RUNNING_SUM.contextLength(), layers, width, 4);
        long started = System.nanoTime();
        try (PolicyModel policy = PolicyModel.initialise(config, seed);
                AdamW optimizer = new AdamW(policy.parameters(), 0.01f)) {
            for (int step = 1; step <= steps; step++) {
                int terms = data.nextInt(minTerms, maxTerms + 1);
                List<int[]> prompts = new ArrayList<>();
                List<int[]> targets = new ArrayList<>();
                int tokens = 0;
                for (int i = 0; i < batch; i++) {
                    int[] problem = draw(data, terms, mod10);
                    prompts.add(TOKENIZER.encodePrompt(prompt(problem, mod10)));
                    int[] target = TOKENIZER.encodeResponse(solution(problem, mod10, noise, data));
                    targets.add(target);
                    tokens += target.length;
                }
                float rate = lr * Math.min(1f, step / 20f);
                double loss;
                try (NDManager manager = NDManager.newBaseManager()) {
                    NDArray lossArray;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        PolicyScores scores = policy.score(manager, prompts, targets);
                        lossArray = scores.logProbs().sum().neg().mul(Scalars.of(manager, 1f / tokens));
                        collector.backward(lossArray);
                    }
                    GradientClipping.clipGlobalNorm(manager, policy.parameters(), 1f);
                    optimizer.step(manager, rate);
                    loss = lossArray.getFloat();
                }
                if (step % evalEvery == 0 || step == steps) {
                    System.out.printf("step %d %.0fs loss %.3f | T1 %s | greedy %s%n", step, (System.nanoTime() - started) / 1e9,
                        loss, evaluate(policy, validation, mod10, 1f, minTerms, maxTerms),
                        evaluate(policy, validation, mod10, 0f, minTerms, maxTerms));
                }
            }
            if (options.containsKey("save")) {
                Files.write(Path.of(options.get("save")), policy.encodeWeights());
            }
        }
    }

    private static String evaluate(PolicyModel policy, List<int[]> problems, boolean mod10, float temperature,
            int minTerms, int maxTerms) {
        int[] correct = new int[maxTerms + 1];
        int[] total = new int[maxTerms + 1];
        Sampler sampler = new Sampler(policy);
        for (int start = 0; start < problems.size(); start += 100) {
            List<int[]> slice = problems.subList(start, Math.min(problems.size(), start + 100));
            List<int[]> prompts = new ArrayList<>();
            for (int[] problem : slice) {
                prompts.add(TOKENIZER.encodePrompt(prompt(problem, mod10)));
            }
            List<SampledResponse> responses = sampler.sample(prompts, new SamplingSettings(temperature, 1f, 109), 7 + start);
            for (int i = 0; i < slice.size(); i++) {
                int[] problem = slice.get(i);
                boolean ok = FinalAnswer.judge(TOKENIZER.decode(responses.get(i).tokens()), answer(problem, mod10))
                    == FinalAnswer.Verdict.CORRECT;
                total[problem.length]++;
                correct[problem.length] += ok ? 1 : 0;
            }
        }
        int all = 0;
        int allCorrect = 0;
        StringBuilder byTerms = new StringBuilder();
        for (int t = minTerms; t <= maxTerms; t++) {
            all += total[t];
            allCorrect += correct[t];
            byTerms.append(String.format(" %d", total[t] == 0 ? 0 : Math.round(100.0 * correct[t] / total[t])));
        }
        return String.format("%.1f%% [%s]", 100.0 * allCorrect / all, byTerms.toString().trim());
    }

    private static int[] draw(SplittableRandom random, int terms, boolean mod10) {
        int[] values = new int[terms];
        values[0] = random.nextInt(1, 10);
        for (int i = 1; i < terms; i++) {
            int magnitude = random.nextInt(1, 10);
            values[i] = mod10 || random.nextBoolean() ? magnitude : -magnitude;
        }
        return values;
    }

    private static int combine(int total, int term, boolean mod10) {
        return mod10 ? (total + term) % 10 : total + term;
    }

    private static String prompt(int[] terms, boolean mod10) {
        StringBuilder text = new StringBuilder().append(terms[0]);
        for (int i = 1; i < terms.length; i++) {
            text.append(terms[i] < 0 ? '-' : '+').append(Math.abs(terms[i]));
        }
        for (int i = terms.length; i < padTo; i++) {
            text.append("+0");
        }
        return text.append('=').toString();
    }

    private static String answer(int[] terms, boolean mod10) {
        int total = terms[0];
        for (int i = 1; i < terms.length; i++) {
            total = combine(total, terms[i], mod10);
        }
        return Integer.toString(total);
    }

    /** Worked solution in the rewrite format; each written total slips with probability noise. */
    private static String solution(int[] terms, boolean mod10, double noise, SplittableRandom random) {
        if (lineMode) {
            return lines(terms, noise, random);
        }
        StringBuilder text = new StringBuilder();
        int total = terms[0];
        for (int merged = 1; merged < terms.length; merged++) {
            total = combine(total, terms[merged], mod10);
            if (random.nextDouble() < noise) {
                int slip = random.nextInt(1, mod10 ? 10 : 4) * (mod10 || random.nextBoolean() ? 1 : -1);
                total = mod10 ? (total + slip) % 10 : total + slip;
            }
            if (merged == terms.length - 1) {
                break;
            }
            text.append(total);
            for (int rest = merged + 1; rest < terms.length; rest++) {
                text.append(terms[rest] < 0 ? '-' : '+').append(Math.abs(terms[rest]));
            }
            text.append(';');
        }
        return text.append('#').append(total).toString();
    }

    private static String lines(int[] terms, double noise, SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int total = terms[0];
        for (int k = 1; k < terms.length; k++) {
            int next = (total + terms[k]) % 10;
            if (random.nextDouble() < noise) {
                next = (next + random.nextInt(1, 10)) % 10;
            }
            text.append(total).append('+').append(terms[k]).append('=').append(next).append(';');
            total = next;
        }
        return text.append('#').append(total).toString();
    }
}
