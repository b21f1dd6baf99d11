package dev.vapostream.model.task;

import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The built-in tasks: running sums over a range of term counts, each with the teacher whose
 * errors its base policy learns to imitate (docs/task.md). Also the sizes that make the model
 * fit a task: vocabulary, context and response budget.
 */
public enum BuiltInTask {
    /**
     * 2-10 terms (responses of 9-57 tokens); the base slips uniformly on half its lines, so a
     * chain's fate rests on future random slips that no prefix predicts.
     */
    RUNNING_SUM("running-sum", 2, 10, Teacher.uniformSlips(0.5)),
    /**
     * 2-16 terms (responses of 9-93 tokens); the base has blind spots, 27 of the 90 addition facts
     * it gets wrong (one too many) 90% of the time, and slips on 2% of the others.
     */
    BLIND_SPOTS("blind-spots", 2, 16, BlindSpotTeacher.standard());

    /** What {@code vapo train}, {@code dataset} and {@code pretrain} use without {@code --task}. */
    public static final BuiltInTask DEFAULT = BLIND_SPOTS;
    /** A problem is tagged hard when the base's teacher solves it with a probability below this. */
    public static final double HARD_BELOW = 0.01;
    public static final String HARD_TAG = "hard";

    private final String id;
    private final int minTerms;
    private final int maxTerms;
    private final Teacher teacher;

    BuiltInTask(String id, int minTerms, int maxTerms, Teacher teacher) {
        this.id = id;
        this.minTerms = minTerms;
        this.maxTerms = maxTerms;
        this.teacher = teacher;
    }

    /** The task named {@code id} ({@code running-sum}, {@code blind-spots}). */
    public static BuiltInTask of(String id) {
        for (BuiltInTask task : values()) {
            if (task.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
                return task;
            }
        }
        throw new IllegalArgumentException("unknown task '" + id + "'; built-in tasks: "
            + Arrays.stream(values()).map(BuiltInTask::id).toList());
    }

    public String id() {
        return id;
    }

    public int minTerms() {
        return minTerms;
    }

    public int maxTerms() {
        return maxTerms;
    }

    /** The teacher of the base policy's second pretraining phase. */
    public Teacher teacher() {
        return teacher;
    }

    public static CharTokenizer tokenizer() {
        return CharTokenizer.forBuiltInTask();
    }

    /** Longest prompt in tokens, BOS included. */
    public int maxPromptTokens() {
        return RunningSumProblem.promptTokens(maxTerms);
    }

    /** The longest reference response, EOS included: generation never needs more. */
    public int maxResponseTokens() {
        return RunningSumProblem.responseTokens(maxTerms);
    }

    /** Longest prompt plus longest response, minus the last token, which is never fed back. */
    public int contextLength() {
        return maxPromptTokens() + maxResponseTokens() - 1;
    }

    /** The default base policy size: 2 layers, width 64, 4 heads. */
    public ModelConfig defaultModelConfig() {
        return modelConfig(2, 64, 4);
    }

    public ModelConfig modelConfig(int layers, int width, int heads) {
        return ModelConfig.of(tokenizer().vocabSize(), contextLength(), layers, width, heads)
                .withResponseStart(maxPromptTokens());
    }

    /** Plain temperature-1 sampling with the full response budget (what evaluation and RL use). */
    public SamplingSettings samplingSettings() {
        return SamplingSettings.unbiased(maxResponseTokens());
    }

    /** The problem of a prompt of this task; fails for a prompt outside its term range. */
    public RunningSumProblem parse(String prompt) {
        RunningSumProblem problem = RunningSumProblem.parse(prompt);
        if (problem.termCount() < minTerms || problem.termCount() > maxTerms) {
            throw new IllegalArgumentException("task " + id + " has " + minTerms + ".." + maxTerms + " terms, not "
                + problem.termCount() + ": " + prompt);
        }
        return problem;
    }

    /** The length bucket of a prompt of this task, or empty for any other prompt. */
    public Optional<LengthBucket> bucketOf(String prompt) {
        try {
            return Optional.of(LengthBucket.of(this, parse(prompt).termCount()));
        } catch (IllegalArgumentException notThisTask) {
            return Optional.empty();
        }
    }

    /** Whether the base's teacher solves {@code problem} with a probability below {@link #HARD_BELOW}. */
    public boolean isHard(RunningSumProblem problem) {
        return problem.successProbability(teacher) < HARD_BELOW;
    }

    /** A problem as a dataset record, tagged {@link #HARD_TAG} when it is hard. */
    public TaskExample toExample(RunningSumProblem problem, String id) {
        return isHard(problem) ? problem.toExample(id).withTag(HARD_TAG) : problem.toExample(id);
    }
}
