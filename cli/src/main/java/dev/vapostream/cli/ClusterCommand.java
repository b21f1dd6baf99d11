package dev.vapostream.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.LocalCluster;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.SettingsSpec;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code vapo cluster}: an embedded broker and registry on 127.0.0.1 with the pipeline's topics
 * created, until Ctrl-C. For trying stages by hand; {@code infra/bin/local-cluster} runs the same
 * as background processes.
 */
final class ClusterCommand {
    static final Setting<String> WORK_DIR = Setting.text("work.dir", "runs/cluster",
        "broker data and registry database; kept between starts");
    static final SettingsSpec SPEC = SettingsSpec.of("vapo cluster", List.of(WORK_DIR), List.of());

    private ClusterCommand() {
    }

    static int run(Properties p) throws InterruptedException {
        Path workDir = Path.of(SPEC.read(p).get(WORK_DIR)).toAbsolutePath();
        LocalCluster cluster = LocalCluster.start(workDir, true);
        ClusterEndpoints endpoints = cluster.endpoints();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.bootstrapServers()))) {
            TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "cluster-shutdown"));
        System.out.println("broker:   " + endpoints.bootstrapServers());
        System.out.println("registry: " + endpoints.registryBaseUrl());
        System.out.println("topics:   " + Topics.ALL.stream().map(t -> t.name()).toList() + " (+ .dlq each)");
        System.out.println("use: --bootstrap-servers " + endpoints.bootstrapServers()
            + " --registry-url " + endpoints.registryBaseUrl() + "   (Ctrl-C stops)");
        stopped.await();
        return 0;
    }
}
