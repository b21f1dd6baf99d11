package dev.vapostream.model.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.pretrain.BuiltInPretraining;
import dev.vapostream.model.pretrain.PretrainSettings;
import dev.vapostream.model.task.BlindSpotTeacher;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.Teacher;

/**
 * Base policies of task variants explored before the blind-spot task became the default
 * (docs/results.md): the blind-spot task's problems, pretrained as {@code vapo pretrain} does but
 * with another second-phase teacher. Not a test: a main, run by hand.
 *
 * <pre>
 * teacher=uniform-blind   the standard blind spots, but wrong digits drawn uniformly (a guessing floor of 1 in 10)
 * teacher=term-blind      every line adding 6, 7 or 8 is a blind spot (one more, 90%); 2% slips elsewhere
 * teacher=none            the first phase only: the method and every fact right (a critic initialisation experiment)
 * out=FILE seed=1
 * </pre>
 */
public final class VariantBase {
    private VariantBase() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            String[] kv = s.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        Teacher teacher = switch (a.get("teacher")) {
            case "uniform-blind" -> uniformBlind(BlindSpotTeacher.standard());
            case "term-blind" -> termBlind(Set.of(6, 7, 8));
            case "none" -> Teacher.EXACT;
            default -> throw new IllegalArgumentException("teacher must be uniform-blind, term-blind or none");
        };
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        BuiltInTask task = BuiltInTask.BLIND_SPOTS;
        PretrainSettings defaults = PretrainSettings.defaults(task, seed);
        // teacher=none: only the first phase, the policy that has the method (greedy >= 95%) and every fact right.
        PretrainSettings settings = teacher == Teacher.EXACT
            ? new PretrainSettings(seed, defaults.batchSize(), defaults.learningRate(), defaults.warmupSteps(),
                defaults.weightDecay(), defaults.clipNorm(), teacher, 0, defaults.maxSteps(), defaults.evalEvery(),
                defaults.stopGreedyAccuracy(), defaults.maxFormatErrorRate(), defaults.timeBudgetSeconds())
            : defaults.withTeacher(teacher);
        BuiltInPretraining.Outcome outcome = BuiltInPretraining.run(task, task.defaultModelConfig(), settings,
            System.out::println);
        try (PolicyModel policy = outcome.policy()) {
            Path out = Path.of(a.get("out"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.write(out, policy.encodeWeights());
            System.out.println("wrote " + out + ": " + BuiltInPretraining.evaluateHeldOut(task, policy, 1, 1000, seed).summary());
        }
    }

    /** The same blind spots, where a wrong digit is any of the nine, uniformly. */
    static Teacher uniformBlind(BlindSpotTeacher standard) {
        return new Teacher() {
            @Override
            public double[] writes(int digit, int term) {
                int right = (digit + term) % 10;
                double rate = standard.isBlindSpot(digit, term) ? standard.blindErrorRate() : standard.slipRate();
                double[] p = new double[10];
                Arrays.fill(p, rate / 9);
                p[right] = 1 - rate;
                return p;
            }

            @Override
            public Teacher withSlipRate(double rate) {
                throw new UnsupportedOperationException();
            }
        };
    }

    static Teacher termBlind(Set<Integer> terms) {
        boolean[][] blind = new boolean[10][10];
        for (int d = 0; d < 10; d++) {
            for (int t : terms) {
                blind[d][t] = true;
            }
        }
        return new BlindSpotTeacher(blind, 0.9, 0.02);
    }
}
