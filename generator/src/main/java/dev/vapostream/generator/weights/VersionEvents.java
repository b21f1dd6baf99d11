package dev.vapostream.generator.weights;

/** What {@link PolicyVersions} reports: loads, refusals, newly announced versions. */
public interface VersionEvents {

    void loaded(long version);

    void refused(long version, String reason);

    void announced(long newestVersion);

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
    };
}
