package dev.vapostream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The schemas as last released, kept under test resources. A new release copies the current
 * schemas here (and bumps {@link #RELEASE}) once they have passed the compatibility check.
 */
final class ReleasedSchemas {
    static final String RELEASE = "0.1.0";

    private ReleasedSchemas() {
    }

    static String path(TopicDescriptor<?> topic) {
        return "/released/" + RELEASE + "/" + topic.valueType().getSimpleName() + ".avsc";
    }

    static String text(TopicDescriptor<?> topic) {
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(path(topic))) {
            if (in == null) {
                throw new IllegalStateException("missing " + path(topic));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
