package dev.vapostream.schemas.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {
    /** How Kafka Streams reports a commit the coordinator refused: wrapped by StreamsProducer.commitTransaction. */
    private static StreamsException refusedCommit() {
        return new StreamsException("Error encountered trying to commit a transaction",
            new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));
    }

    @Test
    void aRefusedCommitReplacesTheStreamThread() {
        // Given a fresh policy
        StreamThreadFailures failures = new StreamThreadFailures(3);
        // When a stream thread dies on a refused commit
        StreamThreadExceptionResponse response = failures.respond(refusedCommit());
        // Then the thread is replaced and counted
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, response);
        assertEquals(1, failures.replaced());
    }

    @Test
    void anyOtherErrorShutsTheClientDown() {
        StreamThreadFailures failures = new StreamThreadFailures(3);
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT,
            failures.respond(new StreamsException("task failed", new TimeoutException("no broker"))));
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, failures.respond(new IllegalStateException("bug")));
        assertEquals(0, failures.replaced());
    }

    @Test
    void refusedCommitsBeyondTheBudgetShutTheClientDown() {
        // Given a budget of 2 replacements, both used
        StreamThreadFailures failures = new StreamThreadFailures(2);
        failures.respond(refusedCommit());
        failures.respond(refusedCommit());
        // When a third refused commit arrives, Then the fault counts as persistent and the client shuts down
        assertEquals(StreamThreadExceptionResponse.SHUTDOWN_CLIENT, failures.respond(refusedCommit()));
        assertEquals(2, failures.replaced());
    }
}
