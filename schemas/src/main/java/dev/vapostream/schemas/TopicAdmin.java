package dev.vapostream.schemas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the pipeline's topics and their dead-letter topics if they are missing. */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    /**
     * As {@link #ensure(Admin, Collection, short)} with an admin client of its own, configured from
     * the stage's pass-through client settings (those an admin client knows) and bootstrap servers.
     */
    public static void ensure(String bootstrapServers, Map<String, String> clientSettings,
                              Collection<? extends TopicDescriptor<?>> topics, short replication) {
        Properties props = new Properties();
        clientSettings.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                props.put(key, value);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            ensure(admin, topics, replication);
        }
    }

    /**
     * Creates each topic and its {@code .dlq} companion with the descriptor's partitions and
     * settings, replication factor {@code replication}. Existing topics are left as they are.
     */
    public static void ensure(Admin admin, Collection<? extends TopicDescriptor<?>> topics, short replication) {
        List<NewTopic> wanted = new ArrayList<>();
        for (TopicDescriptor<?> topic : topics) {
            wanted.add(new NewTopic(topic.name(), topic.partitions(), replication).configs(topic.topicConfigs()));
            // Dead letters keep their original bytes: size limit as the source topic, kept forever.
            Map<String, String> dlqConfigs = new HashMap<>();
            if (topic.topicConfigs().containsKey("max.message.bytes")) {
                dlqConfigs.put("max.message.bytes", topic.topicConfigs().get("max.message.bytes"));
            }
            dlqConfigs.put("retention.ms", "-1");
            wanted.add(new NewTopic(topic.deadLetterTopic(), 1, replication).configs(dlqConfigs));
        }
        create(admin, wanted);
    }

    private static void create(Admin admin, List<NewTopic> wanted) {
        var results = admin.createTopics(wanted).values();
        for (var entry : results.entrySet()) {
            try {
                entry.getValue().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw new IllegalStateException("creating topic " + entry.getKey() + " timed out; is the broker reachable?", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + entry.getKey(), e);
            }
        }
    }
}
