package dev.vapostream.model.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A teacher with misconceptions: on a fixed set of addition facts (its blind spots) it writes one
 * more than the right digit with probability {@code blindErrorRate}; on every other fact it slips
 * uniformly with probability {@code slipRate}. Its errors depend on the input and, once made,
 * are written in the chain for anyone who checks the arithmetic, which is what lets a critic
 * predict the value of a partial chain (docs/task.md).
 *
 * @param blind          {@code blind[digit][term]}: the facts {@code digit + term} it gets wrong
 * @param blindErrorRate probability of writing {@code (digit + term + 1) mod 10} on a blind spot
 * @param slipRate       probability of a uniform wrong digit on any other fact
 */
public record BlindSpotTeacher(boolean[][] blind, double blindErrorRate, double slipRate) implements Teacher {

    /** Share of the 90 facts (digit 0..9, term 1..9) that are blind spots in the built-in task. */
    public static final double STANDARD_BLIND_SHARE = 0.3;
    public static final double STANDARD_BLIND_ERROR_RATE = 0.9;
    public static final double STANDARD_SLIP_RATE = 0.02;
    /** Fixes which facts are blind, so that every base of the built-in task has the same ones. */
    private static final long BLIND_SPOT_DRAW_SEED = 20261201L;

    public BlindSpotTeacher {
        if (blind.length != 10) {
            throw new IllegalArgumentException("blind spots are indexed by digit 0..9");
        }
        boolean[][] copy = new boolean[10][];
        for (int d = 0; d < 10; d++) {
            if (blind[d].length != 10) {
                throw new IllegalArgumentException("blind spots are indexed by term 0..9");
            }
            copy[d] = blind[d].clone();
        }
        blind = copy;
        Teacher.requireRate("blind error rate", blindErrorRate);
        Teacher.requireRate("slip rate", slipRate);
    }

    /** The built-in task's teacher: 27 of the 90 facts blind, wrong 90% of the time there, 2% slips elsewhere. */
    public static BlindSpotTeacher standard() {
        return new BlindSpotTeacher(drawBlindSpots(STANDARD_BLIND_SHARE, BLIND_SPOT_DRAW_SEED), STANDARD_BLIND_ERROR_RATE,
            STANDARD_SLIP_RATE);
    }

    /** {@code round(share × 90)} facts drawn without replacement by a seeded shuffle. */
    static boolean[][] drawBlindSpots(double share, long seed) {
        List<int[]> facts = new ArrayList<>();
        for (int digit = 0; digit < 10; digit++) {
            for (int term = 1; term <= 9; term++) {
                facts.add(new int[] {digit, term});
            }
        }
        Collections.shuffle(facts, new Random(seed));
        boolean[][] blind = new boolean[10][10];
        for (int[] fact : facts.subList(0, (int) Math.round(share * facts.size()))) {
            blind[fact[0]][fact[1]] = true;
        }
        return blind;
    }

    public boolean isBlindSpot(int digit, int term) {
        return blind[digit][term];
    }

    public int blindSpotCount() {
        int n = 0;
        for (boolean[] row : blind) {
            for (boolean b : row) {
                n += b ? 1 : 0;
            }
        }
        return n;
    }

    @Override
    public double[] writes(int digit, int term) {
        int right = (digit + term) % 10;
        if (!blind[digit][term]) {
            return Teacher.slipping(right, slipRate);
        }
        double[] p = new double[10];
        p[right] = 1 - blindErrorRate;
        p[(right + 1) % 10] = blindErrorRate;
        return p;
    }

    @Override
    public Teacher withSlipRate(double rate) {
        return new BlindSpotTeacher(blind, blindErrorRate, rate);
    }

    @Override
    public String toString() {
        return "blind spots (" + blindSpotCount() + " facts wrong with p " + blindErrorRate + ", slips " + slipRate + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlindSpotTeacher t && java.util.Arrays.deepEquals(blind, t.blind)
            && blindErrorRate == t.blindErrorRate && slipRate == t.slipRate;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(java.util.Arrays.deepHashCode(blind), blindErrorRate, slipRate);
    }
}
