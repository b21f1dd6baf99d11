package dev.vapostream.schemas.dlq;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams error handlers every vapo Streams app sets: a record that cannot be
 * deserialized, or whose processing throws, goes to {@code <source topic>.dlq} in the same
 * transaction as the app's other output, and processing continues. A record whose output cannot be
 * serialized is dead-lettered from its source bytes. Any other production error stops the app:
 * the producer has already retried what is retriable.
 */
public final class StreamsDeadLetters {
    /** Streams property naming the stage in dead-letter headers. */
    public static final String STAGE_CONFIG = "vapo.stage";
    private static final Logger LOG = LoggerFactory.getLogger(StreamsDeadLetters.class);

    private StreamsDeadLetters() {
    }

    /** Sets all three handlers on {@code props}, naming {@code stage} in the dead letters. */
    public static void configure(Properties props, String stage) {
        props.put(STAGE_CONFIG, stage);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, Deserialization.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, Processing.class.getName());
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, Production.class.getName());
        // Global stores (e.g. the weights table) get the same treatment; the default turns this on in Kafka 5.0.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    }

    private static String stage(Map<String, ?> configs) {
        Object stage = configs.get(STAGE_CONFIG);
        if (stage == null) {
            throw new IllegalStateException(STAGE_CONFIG + " is not set: call StreamsDeadLetters.configure(props, stage)");
        }
        return stage.toString();
    }

    private static ProducerRecord<byte[], byte[]> fromContext(String stage, ErrorHandlerContext context, Exception error) {
        return DeadLetter.of(stage, new DeadLetter.Source(context.topic(), context.partition(), context.offset()),
            context.sourceRawKey(), context.sourceRawValue(),
            context.headers() == null ? new RecordHeaders() : context.headers(), error);
    }

    /** Undeserializable input → dead letter with the raw bytes. */
    public static final class Deserialization implements DeserializationExceptionHandler {
        private String stage;

        @Override
        public void configure(Map<String, ?> configs) {
            stage = stage(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception cause) {
            Exception error = explainWireFormat(record.value(), cause);
            LOG.warn("{}: undeserializable record {}-{}@{} sent to the DLQ: {}", stage, record.topic(),
                record.partition(), record.offset(), DeadLetter.describe(error));
            return Response.resume(List.of(DeadLetter.of(stage,
                new DeadLetter.Source(record.topic(), record.partition(), record.offset()),
                record.key(), record.value(), record.headers(), error)));
        }
    }

    /**
     * A tombstone reaches the deserialization handler only from a serde that refuses nulls; say so.
     * Every other decoding failure is explained by the project's type-checked deserializer, which
     * names the wire-format fault, the schema id and the type expected.
     */
    static Exception explainWireFormat(byte[] value, Exception cause) {
        if (value == null) {
            return new IllegalArgumentException("value is null (a tombstone); this topic expects a record", cause);
        }
        return cause;
    }

    /** A processor threw on a record → dead letter with the source record's raw bytes. */
    public static final class Processing implements ProcessingExceptionHandler {
        private String stage;

        @Override
        public void configure(Map<String, ?> configs) {
            stage = stage(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception error) {
            LOG.warn("{}: processing {}-{}@{} failed in {}, sent to the DLQ: {}", stage, context.topic(),
                context.partition(), context.offset(), context.processorNodeId(), DeadLetter.describe(error));
            return Response.resume(List.of(fromContext(stage, context, error)));
        }
    }

    /** Output that cannot be serialized → dead letter of its source; broker-side failures are fatal. */
    public static final class Production implements ProductionExceptionHandler {
        private String stage;

        @Override
        public void configure(Map<String, ?> configs) {
            stage = stage(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception error) {
            LOG.error("{}: cannot write to {}: {}; stopping (fix the broker or topic settings and restart)",
                stage, record.topic(), DeadLetter.describe(error));
            return Response.fail();
        }

        @Override
        public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception error,
                                                 SerializationExceptionOrigin origin) {
            LOG.warn("{}: output for {}-{}@{} cannot be serialized ({}), source sent to the DLQ: {}", stage,
                context.topic(), context.partition(), context.offset(), origin, DeadLetter.describe(error));
            return Response.resume(List.of(fromContext(stage, context, error)));
        }
    }
}
