package dev.vapostream.generator.weights;

/** What {@link PolicyVersions} reports: loads, refusals, newly announced versions, versions stuck incomplete. */
public interface VersionEvents {

    void loaded(long version);

    void refused(long version, String reason);

    void announced(long newestVersion);

    /** {@code version} has stayed incomplete for {@link PolicyVersions#INCOMPLETE_REPORT_AFTER}, lacking {@code missing}. */
    void incomplete(long version, java.util.List<Integer> missing);

    VersionEvents NONE = new VersionEvents() {
        @Override
        public void loaded(long version) {
        }

        @Override
        public void refused(long version, String reason) {
        }

        @Override
        public void announced(long newestVersion) {
        }

        @Override
        public void incomplete(long version, java.util.List<Integer> missing) {
        }
    };
}
