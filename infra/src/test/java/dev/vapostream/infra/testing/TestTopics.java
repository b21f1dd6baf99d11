package dev.vapostream.infra.testing;

import java.util.UUID;

/** Topic names unique to one test, so tests sharing a broker never see each other's records. */
public final class TestTopics {
    private TestTopics() {
    }

    public static String unique(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
