package dev.vapostream.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.TestModels;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.LengthBucket;
import dev.vapostream.model.task.Split;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.task.TaskGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    private final List<TaskExample> problems = new TaskGenerator(BuiltInTask.DEFAULT, 1L).generate(Split.HELD_OUT, 45);

    @Test
    void emptyResponsesAreFormatErrorsCountedPerBucket() {
        // Given a policy that answers every prompt with EOS only
        try (PolicyModel policy = TestModels.constantEosPolicy(30f)) {
            EvalReport report = Evaluator.forTask(BuiltInTask.DEFAULT, 16)
                    .evaluate(policy, problems, SamplingSettings.unbiased(8), 1L);
            // Then every problem is a format error, none correct, and the buckets add up
            assertEquals(45, report.overall().problems());
            assertEquals(1.0, report.formatErrorRate());
            assertEquals(0.0, report.accuracy());
            assertEquals(1.0, report.meanResponseTokens());
            int bucketed = 0;
            for (LengthBucket bucket : LengthBucket.values()) {
                bucketed += report.byBucket().get(bucket).problems();
                assertEquals(report.byBucket().get(bucket).problems(), report.byBucket().get(bucket).formatErrors());
            }
            assertEquals(45, bucketed);
            // And the problems tagged hard are counted apart as well
            long hard = problems.stream().filter(p -> p.hasTag(BuiltInTask.HARD_TAG)).count();
            assertTrue(hard > 0, "45 problems of the default task include hard ones");
            assertEquals(hard, report.hard().problems());
            assertEquals(hard, report.hard().formatErrors());
        }
    }

    @Test
    void responsesCutAtTheMaximumLengthAreCounted() {
        // Given a policy that never emits EOS, When evaluated with a 5-token budget
        try (PolicyModel policy = TestModels.constantEosPolicy(-100f)) {
            EvalReport report = Evaluator.forTask(BuiltInTask.DEFAULT, 64)
                    .evaluate(policy, problems, SamplingSettings.unbiased(5), 1L);
            // Then every response is cut and 5 tokens long
            assertEquals(1.0, report.maxLengthRate());
            assertEquals(5.0, report.meanResponseTokens());
        }
    }
}
