package dev.vapostream.scorer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.ScoredGroup;
import dev.vapostream.schemas.avro.ScorerId;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Scores one group per record: a {@link ResponseGroup} (first stage) or a {@link ScoredGroup}
 * from an earlier stage, to which this stage's components are appended. Any failure is thrown,
 * counted, and turned into a dead letter by the processing exception handler that
 * {@code StreamsDeadLetters} installs; nothing is forwarded for that group.
 */
final class ScoringProcessor implements Processor<String, Object, String, ScoredGroup> {
    /**
     * Header on every output record: whether any scorer so far gave a correctness verdict. A later
     * stage needs it to combine verdicts, since {@code correct=false} alone cannot tell "wrong"
     * from "not judged".
     */
    static final String JUDGED_HEADER = "vapo.scorer.judged";

    private final List<Scorer> chain;
    private final Duration limit;
    private final String stage;
    private ProcessorContext<String, ScoredGroup> context;
    private ScorerMetrics metrics;
    private TimeLimitedScoring scoring;

    ScoringProcessor(List<Scorer> chain, Duration limit, String stage) {
        this.chain = List.copyOf(chain);
        this.limit = limit;
        this.stage = stage;
    }

    @Override
    public void init(ProcessorContext<String, ScoredGroup> context) {
        this.context = context;
        String task = context.taskId().toString();
        this.metrics = new ScorerMetrics(context.metrics(), task);
        this.scoring = new TimeLimitedScoring(chain, limit, stage + "-" + task);
    }

    @Override
    public void process(Record<String, Object> record) {
        long now = context.currentSystemTimeMs();
        ScoredGroup scored;
        boolean judged;
        try {
            ScoredGroup prior;
            boolean priorJudged;
            Object value = record.value();
            if (value instanceof ResponseGroup group) {
                prior = ScoredGroups.unscored(group, now);
                priorJudged = false;
            } else if (value instanceof ScoredGroup group) {
                checkUpstream(group);
                prior = group;
                priorJudged = judgedUpstream(group, record.headers());
            } else {
                throw new ScoringFailedException("record with key " + record.key() + " has "
                    + (value == null ? "no value (tombstone)" : "a value of type " + value.getClass().getName())
                    + "; expected a ResponseGroup or ScoredGroup");
            }
            long start = System.nanoTime();
            List<List<Score>> results = scoring.score(prior.getRollout());
            double latencyMs = (System.nanoTime() - start) / 1e6;
            scored = ScoredGroups.append(prior, priorJudged, chain, results, context.currentSystemTimeMs());
            judged = priorJudged || ScoredGroups.anyVerdict(results);
            metrics.scored(latencyMs, now);
        } catch (ScoringTimeoutException e) {
            metrics.timedOut(now);
            throw e;
        } catch (TaskMigratedException e) {
            throw e;
        } catch (RuntimeException e) {
            metrics.failed(now);
            throw e;
        }
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(JUDGED_HEADER);
        headers.add(JUDGED_HEADER, Boolean.toString(judged).getBytes(StandardCharsets.UTF_8));
        context.forward(record.withValue(scored).withHeaders(headers));
    }

    /** A ScoredGroup from an earlier stage must be consistent and not already scored by this stage's scorers. */
    private void checkUpstream(ScoredGroup group) {
        int responses = group.getRollout().getResponses().size();
        if (group.getScores().size() != responses) {
            throw new ScoringFailedException("group " + group.getRollout().getPromptId() + " has " + group.getScores().size()
                + " scores for " + responses + " responses");
        }
        for (ScorerId upstream : group.getScorers()) {
            for (Scorer scorer : chain) {
                if (scorer.name().equals(upstream.getName())) {
                    throw new ScoringFailedException("group " + group.getRollout().getPromptId() + " was already scored by "
                        + upstream.getName() + "@" + upstream.getVersion() + " upstream; scoring it again would count it twice"
                        + " (remove it from this stage's " + ScorerConfig.SCORERS + ")");
                }
            }
        }
    }

    /** The upstream stage's header when present; otherwise assume any upstream scorer may have judged. */
    private static boolean judgedUpstream(ScoredGroup group, Headers headers) {
        Header header = headers.lastHeader(JUDGED_HEADER);
        if (header != null) {
            return Boolean.parseBoolean(new String(header.value(), StandardCharsets.UTF_8));
        }
        return !group.getScorers().isEmpty();
    }

    @Override
    public void close() {
        if (scoring != null) {
            scoring.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
