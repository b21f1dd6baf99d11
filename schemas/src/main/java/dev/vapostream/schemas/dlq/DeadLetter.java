package dev.vapostream.schemas.dlq;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import dev.vapostream.schemas.TopicDescriptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record a stage could not read or process, bound for {@code <source topic>.dlq}: the original
 * key, value and headers unchanged, plus headers saying which stage failed, why, and where the
 * record came from. Nothing is lost: the original bytes can be fixed and re-published.
 */
public final class DeadLetter {
    public static final String STAGE = "vapo.dlq.stage";
    public static final String ERROR_CLASS = "vapo.dlq.error.class";
    public static final String ERROR_MESSAGE = "vapo.dlq.error.message";
    public static final String SOURCE_TOPIC = "vapo.dlq.source.topic";
    public static final String SOURCE_PARTITION = "vapo.dlq.source.partition";
    public static final String SOURCE_OFFSET = "vapo.dlq.source.offset";
    /** Message headers are bounded so a huge exception text cannot make the dead letter too large. */
    private static final int MAX_MESSAGE_CHARS = 4000;

    private DeadLetter() {
    }

    /** Where a failed record came from. */
    public record Source(String topic, int partition, long offset) {
        public Source {
            Objects.requireNonNull(topic, "topic");
        }
    }

    /**
     * Builds the dead-letter record for {@code source} with the reason {@code error}, and counts it
     * in {@link DeadLetterMetrics}.
     */
    public static ProducerRecord<byte[], byte[]> of(String stage, Source source, byte[] key, byte[] value,
                                                    Headers originalHeaders, Throwable error) {
        Headers headers = new RecordHeaders();
        if (originalHeaders != null) {
            for (Header h : originalHeaders) {
                if (!h.key().startsWith("vapo.dlq.")) {
                    headers.add(h.key(), h.value());
                }
            }
        }
        headers.add(STAGE, utf8(stage));
        headers.add(ERROR_CLASS, utf8(rootCause(error).getClass().getName()));
        headers.add(ERROR_MESSAGE, utf8(describe(error)));
        headers.add(SOURCE_TOPIC, utf8(source.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(source.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(source.offset())));
        DeadLetterMetrics.record(stage, source.topic(), rootCause(error).getClass().getSimpleName());
        return new ProducerRecord<>(TopicDescriptor.deadLetterTopicOf(source.topic()), null, key, value, headers);
    }

    /** The header's value as text, or null when absent. */
    public static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The error and its causes in one line, e.g. "A: x; caused by B: y". */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null && text.length() < MAX_MESSAGE_CHARS; t = t.getCause()) {
            if (text.length() > 0) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) : text.toString();
    }

    static Throwable rootCause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
