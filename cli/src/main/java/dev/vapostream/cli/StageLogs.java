package dev.vapostream.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

/**
 * Gives each stage of a one-JVM run its own log file under {@code <run>/logs}: the stage's
 * packages log there only (INFO and up), so the terminal keeps the progress line and warnings
 * from everywhere else. Kafka's and the registry client's own logs go to {@code kafka.log}.
 */
final class StageLogs {
    private static final Map<String, List<String>> FILES = new LinkedHashMap<>();

    static {
        FILES.put("generator", List.of("dev.vapostream.generator"));
        FILES.put("scorer", List.of("dev.vapostream.scorer"));
        FILES.put("advantage", List.of("dev.vapostream.advantage"));
        FILES.put("learner", List.of("dev.vapostream.learner"));
        FILES.put("cluster", List.of("dev.vapostream.infra", "dev.vapostream.schemas"));
        FILES.put("kafka", List.of("org.apache.kafka", "kafka", "io.apicurio"));
    }

    private StageLogs() {
    }

    static void routeTo(Path logDir) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (Map.Entry<String, List<String>> file : FILES.entrySet()) {
            FileAppender<ILoggingEvent> appender = appender(context, logDir.resolve(file.getKey() + ".log"));
            for (String name : file.getValue()) {
                Logger logger = context.getLogger(name);
                logger.addAppender(appender);
                logger.setAdditive(false);
                if (file.getKey().equals("kafka")) {
                    logger.setLevel(Level.WARN);
                } else {
                    logger.setLevel(Level.INFO);
                }
            }
        }
    }

    private static FileAppender<ILoggingEvent> appender(LoggerContext context, Path file) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
