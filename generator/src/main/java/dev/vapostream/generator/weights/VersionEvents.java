package dev.vapostream.generator.weights;

import java.time.Duration;
import java.util.List;

/** What {@link PolicyVersions} reports: loads, refusals, newly announced versions, versions stuck incomplete. */
public interface VersionEvents {

    /** {@code version} is in use from the next batch on, {@code sincePublished} after the learner published it. */
    void loaded(long version, Duration sincePublished);

    void refused(long version, String reason);

    void announced(long newestVersion);

    /** {@code version} has stayed incomplete for {@link PolicyVersions#INCOMPLETE_REPORT_AFTER}, lacking {@code missing}. */
    void incomplete(long version, List<Integer> missing);

    /** A record at this model's chunk {@code key} could not be decoded, for {@code reason}. */
    void unreadableChunk(String key, String reason);

    VersionEvents NONE = new VersionEvents() {
        @Override
        public void loaded(long version, Duration sincePublished) {
        }

        @Override
        public void refused(long version, String reason) {
        }

        @Override
        public void announced(long newestVersion) {
        }

        @Override
        public void incomplete(long version, List<Integer> missing) {
        }

        @Override
        public void unreadableChunk(String key, String reason) {
        }
    };
}
