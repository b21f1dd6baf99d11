package dev.vapostream.learner;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.vapostream.learner.algo.Permutations;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.RunContract;
import dev.vapostream.schemas.io.BoundedTopicReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Admission control: writes dataset prompts to {@code vapo.prompts}, keeping at most
 * {@code max-prompts-in-flight} admitted beyond what the learner has consumed. That bound, not
 * dropping, is what keeps rollouts fresh. Prompt ids are {@code <run>/<index>/<example id>}: the
 * index makes every admission unique and lets a resumed learner find where admission stopped.
 */
final class PromptAdmission implements AutoCloseable {
    private final LearnerConfig config;
    private final List<TaskExample> dataset;
    private final KafkaProducer<String, Prompt> producer;
    private final RunContract contract;
    private long admitted;
    private int[] order;
    private long orderEpoch = -1;

    PromptAdmission(LearnerConfig config, List<TaskExample> dataset, long admitted) {
        if (dataset.isEmpty()) {
            throw new IllegalArgumentException("the training data " + config.trainData() + " holds no problems");
        }
        this.config = config;
        this.dataset = dataset;
        this.contract = config.runContract();
        this.admitted = admitted;
        this.producer = LearnerClients.producer(config, Topics.PROMPTS, Map.of());
    }

    long admitted() {
        return admitted;
    }

    /** Admits prompts until {@code admitted − consumed} reaches the in-flight bound; returns how many. */
    int topUp(long consumed, long policyVersion) {
        int sent = 0;
        while (admitted - consumed < config.maxPromptsInFlight()) {
            TaskExample example = exampleAt(admitted);
            String id = config.runId() + "/" + admitted + "/" + example.id();
            Prompt prompt = Prompt.newBuilder().setId(id).setText(example.prompt()).setAnswer(example.answer())
                .setDataset(config.trainData().getFileName().toString()).setAdmittedAtMs(Instant.now())
                .setAdmittedAtVersion(policyVersion).setRun(contract).build();
            producer.send(new ProducerRecord<>(config.promptsTopic(), id, prompt));
            admitted++;
            sent++;
        }
        if (sent > 0) {
            producer.flush();
        }
        return sent;
    }

    /** The admission index of a prompt id of this run, or -1 for another run's prompt. */
    static long indexOf(String runId, String promptId) {
        String prefix = runId + "/";
        if (!promptId.startsWith(prefix)) {
            return -1;
        }
        int end = promptId.indexOf('/', prefix.length());
        try {
            return Long.parseLong(end < 0 ? promptId.substring(prefix.length()) : promptId.substring(prefix.length(), end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The dataset example id inside a prompt id {@code <run>/<index>/<example id>}, or "" if it has none. */
    static String exampleIdOf(String promptId) {
        int first = promptId.indexOf('/');
        int second = first < 0 ? -1 : promptId.indexOf('/', first + 1);
        return second < 0 ? "" : promptId.substring(second + 1);
    }

    /**
     * How many prompts this run has admitted so far, read from the prompts topic: a learner that
     * crashed after admitting more than its checkpoint says must not admit the same indexes again.
     */
    static long admittedOnTopic(LearnerConfig config) {
        AtomicLong highest = new AtomicLong(-1);
        BoundedTopicReader.read(config.bootstrapServers(), config.kafka(), config.promptsTopic(),
            BoundedTopicReader.Start.beginning(), null, new org.apache.kafka.common.serialization.StringDeserializer(),
            r -> highest.accumulateAndGet(indexOf(config.runId(), r.key() == null ? "" : r.key()), Math::max), raw -> { });
        return highest.get() + 1;
    }

    /** The dataset is walked in a fresh seeded order each epoch, so resuming needs only the index. */
    private TaskExample exampleAt(long index) {
        long epoch = index / dataset.size();
        if (epoch != orderEpoch) {
            order = Permutations.of(dataset.size(), new SplittableRandom(config.seed() * 1_000_003L + epoch));
            orderEpoch = epoch;
        }
        return dataset.get(order[(int) (index % dataset.size())]);
    }

    @Override
    public void close() {
        producer.close();
    }
}
