package dev.vapostream.schemas.dlq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    @Test
    void deadLetterKeepsOriginalBytesAndHeadersAndSaysWhereAndWhy() {
        // Given a record from partition 2, offset 41 of vapo.rollouts with a tracing header
        RecordHeaders original = new RecordHeaders();
        original.add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));
        byte[] key = "p-9".getBytes(StandardCharsets.UTF_8);
        byte[] value = {0, 0, 0, 0, 7, 42};
        long before = DeadLetterMetrics.count("scorer-test", "vapo.rollouts");

        // When the scorer fails on it
        ProducerRecord<byte[], byte[]> dead = DeadLetter.of("scorer-test", new DeadLetter.Source("vapo.rollouts", 2, 41),
            key, value, original, new IllegalStateException("outer", new NumberFormatException("answer 'x' is not an integer")));

        // Then it goes to vapo.rollouts.dlq with the same bytes, the original header, and the reason
        assertEquals("vapo.rollouts.dlq", dead.topic());
        assertArrayEquals(key, dead.key());
        assertArrayEquals(value, dead.value());
        assertEquals("t-1", DeadLetter.header(dead.headers(), "trace-id"));
        assertEquals("scorer-test", DeadLetter.header(dead.headers(), DeadLetter.STAGE));
        assertEquals(NumberFormatException.class.getName(), DeadLetter.header(dead.headers(), DeadLetter.ERROR_CLASS));
        String message = DeadLetter.header(dead.headers(), DeadLetter.ERROR_MESSAGE);
        assertTrue(message.contains("outer") && message.contains("answer 'x' is not an integer"), message);
        assertEquals("vapo.rollouts", DeadLetter.header(dead.headers(), DeadLetter.SOURCE_TOPIC));
        assertEquals("2", DeadLetter.header(dead.headers(), DeadLetter.SOURCE_PARTITION));
        assertEquals("41", DeadLetter.header(dead.headers(), DeadLetter.SOURCE_OFFSET));
        // And it is counted
        assertEquals(before + 1, DeadLetterMetrics.count("scorer-test", "vapo.rollouts"));
    }

    @Test
    void hugeErrorMessagesAreBounded() {
        ProducerRecord<byte[], byte[]> dead = DeadLetter.of("s", new DeadLetter.Source("t", 0, 0), null, new byte[0],
            null, new RuntimeException("x".repeat(100_000)));
        assertTrue(DeadLetter.header(dead.headers(), DeadLetter.ERROR_MESSAGE).length() <= 4000);
    }
}
