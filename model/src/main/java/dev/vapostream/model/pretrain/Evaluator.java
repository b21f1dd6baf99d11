package dev.vapostream.model.pretrain;

import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.sampling.FinishReason;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.task.FinalAnswer;
import dev.vapostream.model.task.LengthBucket;
import dev.vapostream.model.task.RunningSumProblem;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Samples one response per problem and judges it with the shared '#' answer contract
 * ({@link FinalAnswer}). Reproducible: batch i is sampled with seed {@code seed + i}.
 */
public final class Evaluator {

    private final CharTokenizer tokenizer;
    private final int batchSize;

    public Evaluator(CharTokenizer tokenizer, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        this.tokenizer = tokenizer;
        this.batchSize = batchSize;
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
                tally.add(slice.get(i), responses.get(i), tokenizer);
            }
        }
        return tally.report();
    }

    /** Running counts of one evaluation. */
    private static final class Tally {

        private final Map<LengthBucket, BucketResult> byBucket = new EnumMap<>(LengthBucket.class);
        private BucketResult overall = new BucketResult(0, 0, 0);
        private long responseTokens;
        private int cutAtMaxLength;

        Tally() {
            for (LengthBucket bucket : LengthBucket.values()) {
                byBucket.put(bucket, new BucketResult(0, 0, 0));
            }
        }

        void add(TaskExample example, SampledResponse response, CharTokenizer tokenizer) {
            FinalAnswer.Verdict verdict = FinalAnswer.judge(tokenizer.decode(response.tokens()), example.answer());
            int correct = verdict == FinalAnswer.Verdict.CORRECT ? 1 : 0;
            int formatError = verdict == FinalAnswer.Verdict.FORMAT_ERROR ? 1 : 0;
            overall = overall.plus(correct, formatError);
            byBucket.compute(RunningSumProblem.parse(example.prompt()).bucket(), (b, r) -> r.plus(correct, formatError));
            responseTokens += response.length();
            cutAtMaxLength += response.finishReason() == FinishReason.MAX_LENGTH ? 1 : 0;
        }

        EvalReport report() {
            int n = Math.max(1, overall.problems());
            return new EvalReport(overall, byBucket, (double) responseTokens / n, (double) cutAtMaxLength / n);
        }
    }
}
