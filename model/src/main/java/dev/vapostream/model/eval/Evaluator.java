package dev.vapostream.model.eval;

import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.sampling.FinishReason;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.answer.FinalAnswer;
import dev.vapostream.model.task.LengthBucket;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Samples one response per problem and judges it with the shared '#' answer contract
 * ({@link FinalAnswer}), counting per length bucket and over the problems tagged hard.
 * Reproducible: batch i is sampled with seed {@code seed + i}.
 */
public final class Evaluator {

    private final CharTokenizer tokenizer;
    private final int batchSize;
    private final Function<String, Optional<LengthBucket>> bucketOf;

    /** @param bucketOf a prompt's length bucket; empty leaves it out of the per-bucket counts */
    public Evaluator(CharTokenizer tokenizer, int batchSize, Function<String, Optional<LengthBucket>> bucketOf) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
        this.bucketOf = bucketOf;
    }

    /** An evaluator of a built-in task's problems, bucketed by the task's term ranges. */
    public static Evaluator forTask(BuiltInTask task, int batchSize) {
        return new Evaluator(BuiltInTask.tokenizer(), batchSize, task::bucketOf);
    }

    public EvalReport evaluate(PolicyModel policy, List<TaskExample> problems, SamplingSettings settings, long seed) {
        Tally tally = new Tally();
        Sampler sampler = new Sampler(policy);
        for (int start = 0, batch = 0; start < problems.size(); start += batchSize, batch++) {
            List<TaskExample> slice = problems.subList(start, Math.min(problems.size(), start + batchSize));
            List<int[]> prompts = new ArrayList<>(slice.size());
            for (TaskExample example : slice) {
                prompts.add(tokenizer.encodePrompt(example.prompt()));
            }
            List<SampledResponse> responses = sampler.sample(prompts, settings, seed + batch);
            for (int i = 0; i < slice.size(); i++) {
                tally.add(slice.get(i), bucketOf.apply(slice.get(i).prompt()), responses.get(i), tokenizer);
            }
        }
        return tally.report();
    }

    /** Running counts of one evaluation. */
    private static final class Tally {

        private final Map<LengthBucket, BucketResult> byBucket = new EnumMap<>(LengthBucket.class);
        private BucketResult overall = new BucketResult(0, 0, 0);
        private BucketResult hard = new BucketResult(0, 0, 0);
        private long responseTokens;
        private int cutAtMaxLength;

        Tally() {
            for (LengthBucket bucket : LengthBucket.values()) {
                byBucket.put(bucket, new BucketResult(0, 0, 0));
            }
        }

        void add(TaskExample example, Optional<LengthBucket> bucket, SampledResponse response, CharTokenizer tokenizer) {
            FinalAnswer.Verdict verdict = FinalAnswer.judge(tokenizer.decode(response.tokens()), example.answer());
            int correct = verdict == FinalAnswer.Verdict.CORRECT ? 1 : 0;
            int formatError = verdict == FinalAnswer.Verdict.FORMAT_ERROR ? 1 : 0;
            overall = overall.plus(correct, formatError);
            bucket.ifPresent(b -> byBucket.compute(b, (key, r) -> r.plus(correct, formatError)));
            if (example.hasTag(BuiltInTask.HARD_TAG)) {
                hard = hard.plus(correct, formatError);
            }
            responseTokens += response.length();
            cutAtMaxLength += response.finishReason() == FinishReason.MAX_LENGTH ? 1 : 0;
        }

        EvalReport report() {
            int n = Math.max(1, overall.problems());
            return new EvalReport(overall, byBucket, hard, (double) responseTokens / n, (double) cutAtMaxLength / n);
        }
    }
}
