package dev.vapostream.infra;

/**
 * Where a running Kafka cluster and schema registry can be reached.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code 127.0.0.1:9092}
 * @param registryBaseUrl  the registry's root URL, e.g. {@code http://127.0.0.1:8080}
 */
public record ClusterEndpoints(String bootstrapServers, String registryBaseUrl) {

    /** Apicurio's native v3 API, used by the Apicurio serdes. */
    public String registryApiUrl() {
        return registryBaseUrl + "/apis/registry/v3";
    }

    /** The Confluent-compatible API, usable by any Confluent client. */
    public String confluentCompatUrl() {
        return registryBaseUrl + "/apis/ccompat/v7";
    }
}
