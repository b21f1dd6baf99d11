package dev.vapostream.model.eval;

import dev.vapostream.model.task.LengthBucket;
import java.util.Map;

/**
 * Accuracy of a policy on a set of problems, overall and per length bucket.
 *
 * @param overall counts over all problems
 * @param byBucket counts per {@link LengthBucket} (every bucket present, possibly empty)
 * @param hard counts over the problems tagged hard (the base almost never solves them; possibly none)
 * @param meanResponseTokens mean sampled response length in tokens, EOS included
 * @param maxLengthRate share of responses cut at the maximum length (no EOS)
 */
public record EvalReport(BucketResult overall, Map<LengthBucket, BucketResult> byBucket, BucketResult hard,
        double meanResponseTokens, double maxLengthRate) {

    public EvalReport {
        byBucket = Map.copyOf(byBucket);
    }

    public double accuracy() {
        return overall.accuracy();
    }

    public double formatErrorRate() {
        return overall.formatErrorRate();
    }

    /** One line for logs: {@code acc 12.0% (short 31.0%, medium 4.2%, long 0.0%), format errors 3.1%, ...}. */
    public String summary() {
        StringBuilder line = new StringBuilder(String.format("acc %.1f%% (", 100 * accuracy()));
        for (LengthBucket bucket : LengthBucket.values()) {
            BucketResult result = byBucket.get(bucket);
            line.append(bucket.name().toLowerCase()).append(String.format(" %.1f%%", 100 * result.accuracy()));
            line.append(bucket.ordinal() < LengthBucket.values().length - 1 ? ", " : ")");
        }
        if (hard.problems() > 0) {
            line.append(String.format(", hard %.1f%% of %d", 100 * hard.accuracy(), hard.problems()));
        }
        return line.append(String.format(", format errors %.1f%%, cut at max length %.1f%%, mean length %.1f tokens, n=%d",
                100 * formatErrorRate(), 100 * maxLengthRate, meanResponseTokens, overall.problems())).toString();
    }
}
