package dev.vapostream.schemas.stage;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What a Kafka Streams stage does with an error that reached the uncaught-exception handler. One
 * error is survivable: a transaction commit refused with {@link InvalidTxnStateException}. Under
 * transactions v2, when the broker is away longer than the producer's {@code
 * transaction.timeout.ms} (10 s under exactly-once), the coordinator aborts the open transaction
 * on its own once it is back, and the commit that was waiting for it is answered
 * INVALID_TXN_STATE, which the producer treats as fatal (KAFKA-20785: the 4.3.1 broker this
 * project runs answers so; the fix on Kafka's trunk answers PRODUCER_FENCED, which Streams already
 * recovers from). Nothing of that transaction
 * was committed, so a new stream thread, with a new producer, resumes from the last committed
 * offsets and exactly-once holds. Anything else, and this error more than {@code maxReplacements}
 * times in one process (so a persistent fault still stops the stage), shuts the client down.
 */
final class StreamThreadFailures {
    private final int maxReplacements;
    private final AtomicInteger replaced = new AtomicInteger();

    StreamThreadFailures(int maxReplacements) {
        this.maxReplacements = maxReplacements;
    }

    /** REPLACE_THREAD for a refused commit within the budget, SHUTDOWN_CLIENT otherwise. */
    StreamThreadExceptionResponse respond(Throwable error) {
        if (isRefusedCommit(error) && replaced.incrementAndGet() <= maxReplacements) {
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }

    /** Stream threads replaced so far. */
    int replaced() {
        return Math.min(replaced.get(), maxReplacements);
    }

    int maxReplacements() {
        return maxReplacements;
    }

    static boolean isRefusedCommit(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof InvalidTxnStateException) {
                return true;
            }
        }
        return false;
    }
}
