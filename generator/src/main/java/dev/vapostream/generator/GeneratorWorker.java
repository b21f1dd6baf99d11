package dev.vapostream.generator;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.vapostream.generator.kafka.BatchSink;
import dev.vapostream.generator.kafka.KafkaClients;
import dev.vapostream.generator.kafka.PromptBatch;
import dev.vapostream.generator.sampling.GroupResult;
import dev.vapostream.generator.sampling.GroupSampler;
import dev.vapostream.generator.sampling.PreparedPrompt;
import dev.vapostream.generator.weights.PolicyLoader;
import dev.vapostream.generator.weights.PolicyVersions;
import dev.vapostream.generator.weights.WeightsFeed;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.stage.OpenedResources;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.dlq.DeadLetterPublisher;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rollout worker. It follows the policy on the weights topic and, once it has one, consumes
 * prompts as a member of the generators' consumer group: each poll (at most
 * {@code max.groups.in.flight} prompts) is sampled as one batch with one policy version, and the
 * groups, any dead letters and the consumed offsets are committed in one Kafka transaction, so
 * every prompt yields exactly one committed group even if a worker dies mid-way. Versions switch
 * between batches only. Run it on its own thread; {@link #close()} stops it from any thread.
 */
public final class GeneratorWorker implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GeneratorWorker.class);
    private static final Duration PROMPT_POLL = Duration.ofMillis(200);
    private static final Duration IDLE_WEIGHTS_POLL = Duration.ofMillis(200);
    /** How long a worker may spend reading the weights backlog between two batches. */
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(2);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** What the worker is doing, for logs, tests and health checks. */
    public enum State { CREATED, WAITING_FOR_POLICY, CONSUMING, STOPPED, FAILED }

    private final GeneratorConfig config;
    private final CharTokenizer tokenizer;
    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> prompts;
    private final WeightsFeed weights;
    private final PolicyVersions versions;
    private final GroupSampler sampler;
    private final GeneratorMetrics metrics;
    private final DeadLetterPublisher deadLetters;
    private final Deserializer<Prompt> promptDeserializer;
    private final Serializer<ResponseGroup> groupSerializer;
    private final SplittableRandom seeds;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile State state = State.CREATED;
    private volatile boolean running = true;
    private volatile boolean halting;
    private volatile int abandonedGroups;
    private volatile Throwable failure;
    private boolean subscribed;
    private long nextMetricsLogNanos;

    public GeneratorWorker(GeneratorConfig config) {
        this.config = config;
        this.tokenizer = config.tokenizer();
        this.sampler = new GroupSampler(tokenizer, config.sampling(), config::groupSizeFor);
        this.seeds = new SplittableRandom();
        // Whatever was opened before a failure (e.g. the weights topic is missing) is closed again.
        OpenedResources opened = new OpenedResources();
        try {
            this.weights = opened.track(new WeightsFeed(KafkaClients.weightsConsumer(config),
                Topics.WEIGHTS.valueSerde(config.serdes()).deserializer(), config.weightsTopic(), config.modelName(),
                Duration.ofSeconds(30)));
            this.metrics = opened.track(new GeneratorMetrics(config.workerId()));
            this.versions = opened.track(new PolicyVersions(config.modelName(), PolicyLoader.forTokenizer(tokenizer), metrics));
            this.producer = opened.track(KafkaClients.producer(config));
            this.prompts = opened.track(KafkaClients.promptsConsumer(config));
            this.promptDeserializer = opened.track(Topics.PROMPTS.valueSerde(config.serdes()).deserializer());
            this.groupSerializer = opened.track(Topics.ROLLOUTS.valueSerde(config.serdes()).serializer());
            this.deadLetters = new DeadLetterPublisher(GeneratorConfig.STAGE, producer);
        } catch (RuntimeException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("generator " + config.workerId() + " was already started or closed");
        }
        try {
            untilDone("initTransactions", producer::initTransactions);
            nextMetricsLogNanos = System.nanoTime() + config.metricsLogInterval().toNanos();
            while (running) {
                step();
            }
        } catch (WakeupException e) {
            if (running) {
                fail(e);
            }
        } catch (Halted e) {
            LOG.warn("generator {} halted with a transaction of {} groups left open", config.workerId(), abandonedGroups);
        } catch (StoppedWhileBrokerAway e) {
            LOG.warn("generator {} stopped while {} was waiting for the broker; its open transaction is left for the"
                + " transaction coordinator to abort", config.workerId(), e.getMessage());
        } catch (RuntimeException | Error e) {
            fail(e);
        } finally {
            closeClients();
            if (state != State.FAILED) {
                state = State.STOPPED;
            }
            LOG.info("generator {} stopped; {}", config.workerId(), metrics.summary());
            metrics.close();
            finished.countDown();
        }
    }

    /** One round: follow the weights, then (with a policy) sample and commit one batch of prompts. */
    private void step() {
        if (subscribed) {
            weights.catchUp(CATCH_UP_LIMIT, versions);
        } else {
            weights.poll(IDLE_WEIGHTS_POLL, versions);
        }
        // Between batches: the only place the policy version may change.
        Optional<PolicyVersions.Current> policy = versions.current();
        if (policy.isEmpty()) {
            awaitingPolicy();
            if (halting) {
                throw new Halted();
            }
            return;
        }
        if (!subscribed) {
            prompts.subscribe(List.of(config.promptsTopic()));
            subscribed = true;
            state = State.CONSUMING;
            LOG.info("generator {} has policy '{}' v{}; consuming {} as group {}, {} prompts per batch, each with the"
                    + " group size of its run contract ({} without one)", config.workerId(), config.modelName(),
                policy.get().version(), config.promptsTopic(), config.groupId(), config.maxGroupsInFlight(),
                config.groupSize());
            if (config.overrideRunContract()) {
                LOG.warn("generator {}: override.run.contract: {} responses for every prompt, whatever its run contract says",
                    config.workerId(), config.groupSize());
            }
        }
        ConsumerRecords<byte[], byte[]> records = prompts.poll(PROMPT_POLL);
        if (!records.isEmpty()) {
            processBatch(new PromptBatch(records), policy.get());
        } else if (halting) {
            throw new Halted();
        }
        logMetricsWhenDue();
    }

    private void awaitingPolicy() {
        if (state != State.WAITING_FOR_POLICY) {
            state = State.WAITING_FOR_POLICY;
            LOG.info("generator {} is waiting for policy '{}' (version 0 or later) on {} before consuming {}",
                config.workerId(), config.modelName(), config.weightsTopic(), config.promptsTopic());
        }
    }

    private void processBatch(PromptBatch batch, PolicyVersions.Current policy) {
        producer.beginTransaction();
        try {
            BatchOutput output = sampleAndSend(batch, policy);
            if (halting) {
                abandon(output.groups());
            }
            long commitStarted = System.nanoTime();
            producer.sendOffsetsToTransaction(batch.nextOffsets(), prompts.groupMetadata());
            untilDone("commitTransaction", producer::commitTransaction);
            metrics.committed(output.groups(), output.tokens());
            metrics.timed(output.samplingSeconds(), output.sendingSeconds(), (System.nanoTime() - commitStarted) / 1e9);
            for (int i = 0; i < output.deadLetters(); i++) {
                metrics.deadLettered();
            }
        } catch (ProducerFencedException | OutOfOrderSequenceException | AuthorizationException
                 | UnsupportedVersionException e) {
            // Not abortable: another worker took this transactional id, or the producer is unusable.
            throw e;
        } catch (KafkaException e) {
            LOG.warn("generator {}: transaction for {} prompts aborted, they will be sampled again: {}",
                config.workerId(), batch.size(), e.toString());
            untilDone("abortTransaction", producer::abortTransaction);
            batch.rewind(prompts);
        }
    }

    /**
     * Runs a transaction call that may be retried after it timed out. After a timeout the producer
     * allows no other call until the same one succeeds, so a broker that is away (a restart) is
     * waited out here instead of failing the worker; a stop ends the waiting. An outage longer than
     * the producer's {@code transaction.timeout.ms} (60 s by default) gets the open transaction
     * aborted by its coordinator; the retried commit then fails, the worker stops with that error,
     * and a restart resumes after the last committed batch.
     */
    private void untilDone(String call, Runnable transactionCall) {
        while (true) {
            try {
                transactionCall.run();
                return;
            } catch (TimeoutException e) {
                if (!running) {
                    // Not a failure: a stop came while the broker was away, and no other transaction call is allowed now.
                    throw new StoppedWhileBrokerAway(call);
                }
                LOG.warn("generator {}: {} timed out (is the broker restarting?), trying again: {}", config.workerId(), call,
                    e.toString());
            }
        }
    }

    /** Counts of what one batch put into the open transaction. */
    private record BatchOutput(int groups, long tokens, int deadLetters, double samplingSeconds, double sendingSeconds) {
    }

    private BatchOutput sampleAndSend(PromptBatch batch, PolicyVersions.Current policy) {
        BatchSink sink = new BatchSink(batch, producer, deadLetters, groupSerializer, config.rolloutsTopic());
        List<PreparedPrompt> prepared = sink.prepare(promptDeserializer, p -> sampler.prepare(p, policy.policy().config()));
        long started = System.nanoTime();
        List<GroupResult> results = sampler.sample(policy.policy(), prepared, seedFor(prepared));
        long sampled = System.nanoTime();
        ResponseGroups.Provenance provenance = new ResponseGroups.Provenance(config.workerId(), config.modelName(),
            policy.version(), config.sampling(), config.seed());
        for (GroupResult result : results) {
            sink.send(result, provenance, tokenizer);
        }
        return new BatchOutput(sink.groups(), sink.tokens(), sink.deadLetters(), (sampled - started) / 1e9,
            (System.nanoTime() - sampled) / 1e9);
    }

    /** A fixed seed gives the same samples for the same prompts; otherwise every batch draws a fresh one. */
    private long seedFor(List<PreparedPrompt> prepared) {
        if (config.seed().isEmpty()) {
            return seeds.nextLong();
        }
        long seed = config.seed().getAsLong();
        for (PreparedPrompt p : prepared) {
            seed = seed * 31 + p.id().hashCode();
        }
        return seed;
    }

    private void logMetricsWhenDue() {
        if (System.nanoTime() - nextMetricsLogNanos >= 0) {
            nextMetricsLogNanos = System.nanoTime() + config.metricsLogInterval().toNanos();
            LOG.info(metrics.summary());
        }
    }

    /** Test seam, see {@link #halt()}: the groups are in the log, the transaction is never ended. */
    private void abandon(int groups) {
        producer.flush();
        abandonedGroups = groups;
        throw new Halted();
    }

    private void fail(Throwable e) {
        failure = e;
        state = State.FAILED;
        LOG.error("generator {} stopped on an error: {}", config.workerId(), e.toString(), e);
    }

    private void closeClients() {
        if (halting) {
            // As a killed process would: no abort, no goodbye to the group (the coordinator notices
            // after session.timeout.ms and hands the partitions to the other workers).
            producer.close(Duration.ZERO);
            prompts.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(Duration.ZERO));
        } else {
            producer.close(CLOSE_TIMEOUT);
            prompts.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        }
        weights.close();
        versions.close();
        promptDeserializer.close();
        groupSerializer.close();
    }

    public State state() {
        return state;
    }

    public GeneratorMetrics metrics() {
        return metrics;
    }

    public String workerId() {
        return config.workerId();
    }

    /** The error the worker stopped on, if it failed. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Waits until {@link #run()} has returned. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * For failure tests: stops the worker the way a killed process stops. The batch in progress
     * (or the next one) is sampled and its groups are written, but its transaction is neither
     * committed nor aborted, and no offset is committed; the broker aborts it after
     * {@code transaction.timeout.ms}, or when a worker with the same id starts. The consumer does
     * not leave the group: its partitions move to the other workers after {@code session.timeout.ms}.
     */
    void halt() {
        halting = true;
    }

    /** Groups the halted worker wrote in the transaction it left open. */
    int abandonedGroups() {
        return abandonedGroups;
    }

    /** Stops the worker after the batch in progress (committed or aborted) and waits for it. */
    @Override
    public void close() {
        running = false;
        if (started.compareAndSet(false, true)) {
            closeClients();
            metrics.close();
            state = State.STOPPED;
            finished.countDown();
            return;
        }
        if (finished.getCount() == 0) {
            return;
        }
        prompts.wakeup();
        weights.wakeup();
        try {
            if (!awaitStopped(CLOSE_TIMEOUT.multipliedBy(2))) {
                LOG.warn("generator {} did not stop within {}", config.workerId(), CLOSE_TIMEOUT.multipliedBy(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Unwinds the worker loop when halted. */
    /** A stop during a timed-out transaction call; not a KafkaException, so no abort is attempted after it. */
    private static final class StoppedWhileBrokerAway extends RuntimeException {
        StoppedWhileBrokerAway(String call) {
            super(call, null, false, false);
        }
    }

    private static final class Halted extends RuntimeException {
        Halted() {
            super("halted", null, false, false);
        }
    }
}
