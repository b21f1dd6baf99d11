package dev.vapostream.schemas.settings;

/**
 * Settings that mean the same in every stage that reads them, declared once: the cluster, topic
 * creation, the metrics endpoint, and the advantage estimator's numbers (which the learner puts in the run contract and
 * the advantage stage applies to groups without one).
 */
public final class CommonSettings {
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.required("bootstrap.servers",
        "the Kafka cluster, e.g. 127.0.0.1:9092");
    public static final Setting<String> REGISTRY_URL = Setting.required("registry.url",
        "the schema registry, e.g. http://127.0.0.1:8080");
    public static final Setting<Boolean> TOPICS_CREATE = Setting.bool("topics.create", true,
        "create the stage's missing topics (and their dead-letter topics) at start");
    public static final Setting<Integer> TOPICS_REPLICATION = Setting.integer("topics.replication", 1,
        "replication factor of topics the stage creates");
    public static final Setting<Integer> METRICS_PORT = Setting.integer("metrics.port", -1,
        "serve the stage's counters for Prometheus at http://127.0.0.1:PORT/metrics; -1 off, 0 a free port (logged)");
    /** The keys every stage reads for its own process, whatever the stage. */
    public static final SettingsSpec PROCESS_SPEC = SettingsSpec.of("process", java.util.List.of(METRICS_PORT),
        java.util.List.of());

    public static final Setting<Double> GAMMA = Setting.optionalNumber("gamma",
        "discount of the advantage estimator; default: the estimator preset's");
    public static final Setting<Double> LAMBDA_CRITIC = Setting.optionalNumber("lambda.critic",
        "GAE λ of the critic's targets; default: the estimator preset's");
    public static final Setting<Double> LAMBDA_POLICY = Setting.optionalNumber("lambda.policy",
        "fixed GAE λ of the advantages (vapo derives it per response from alpha); default: the estimator preset's");
    public static final Setting<Double> ALPHA = Setting.optionalNumber("alpha",
        "VAPO's length coefficient, λ = 1 - 1/(alpha · length); default: the estimator preset's (0.05)");

    private CommonSettings() {
    }
}
