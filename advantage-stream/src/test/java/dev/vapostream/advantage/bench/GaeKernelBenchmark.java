package dev.vapostream.advantage.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import dev.vapostream.advantage.AdvantageComputer;
import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.ResponseSignals;
import dev.vapostream.advantage.kernel.Gae;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * GAE throughput in tokens per second on one thread, over 64 groups of 16 responses whose lengths
 * are drawn from 8..256 tokens (the built-in task's spread). Run:
 * {@code java -cp "advantage-stream/target/test-classes:advantage-stream/target/classes:$(cat advantage-stream/target/test-classpath.txt)" org.openjdk.jmh.Main GaeKernelBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GaeKernelBenchmark {
    static final int GROUPS = 64;
    static final int GROUP_SIZE = 16;
    /** Fixed by the seed below; asserted in setup so the per-token normalisation stays right. */
    static final int TOTAL_TOKENS = 135_526;

    private float[][] values;
    private float[][] rewards;
    private float[][] out;
    private double[][] groupRewards;
    private int[][] groupLengths;
    private List<List<float[]>> groupValues;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        int responses = GROUPS * GROUP_SIZE;
        values = new float[responses][];
        rewards = new float[responses][];
        out = new float[responses][];
        groupRewards = new double[GROUPS][GROUP_SIZE];
        groupLengths = new int[GROUPS][GROUP_SIZE];
        groupValues = new ArrayList<>();
        int total = 0;
        for (int g = 0; g < GROUPS; g++) {
            List<float[]> vs = new ArrayList<>();
            for (int i = 0; i < GROUP_SIZE; i++) {
                int r = g * GROUP_SIZE + i;
                int length = 8 + random.nextInt(249);
                values[r] = new float[length];
                for (int t = 0; t < length; t++) {
                    values[r][t] = (float) random.nextDouble();
                }
                rewards[r] = new float[length];
                rewards[r][length - 1] = random.nextBoolean() ? 1f : 0f;
                out[r] = new float[length];
                groupRewards[g][i] = rewards[r][length - 1];
                groupLengths[g][i] = length;
                vs.add(values[r]);
                total += length;
            }
            groupValues.add(vs);
        }
        if (total != TOTAL_TOKENS) {
            throw new IllegalStateException("token count changed to " + total + ": update TOTAL_TOKENS");
        }
    }

    /** The kernel the topology runs: terminal reward, one λ. */
    @Benchmark
    @OperationsPerInvocation(TOTAL_TOKENS)
    public void terminalRewardKernel(Blackhole bh) {
        for (int r = 0; r < values.length; r++) {
            Gae.terminalReward(rewards[r][values[r].length - 1], values[r], values[r].length, 1.0, 0.95, out[r]);
        }
        bh.consume(out);
    }

    /** Baseline: the textbook form with a reward array per token. */
    @Benchmark
    @OperationsPerInvocation(TOTAL_TOKENS)
    public void perTokenRewardKernel(Blackhole bh) {
        for (int r = 0; r < values.length; r++) {
            Gae.perTokenRewards(rewards[r], values[r], values[r].length, 1.0, 0.95, out[r]);
        }
        bh.consume(out);
    }

    /** What a group costs end to end: both λs, returns, and the allocations. */
    @Benchmark
    @OperationsPerInvocation(TOTAL_TOKENS)
    public void vapoGroups(Blackhole bh) {
        EstimatorSettings vapo = EstimatorSettings.vapo();
        for (int g = 0; g < GROUPS; g++) {
            List<ResponseSignals> s = AdvantageComputer.compute(vapo, groupRewards[g], groupLengths[g], groupValues.get(g));
            bh.consume(s);
        }
    }
}
