package dev.vapostream.advantage.stream;

import java.util.HashMap;
import java.util.Map;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.RunContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The estimator settings a group is valued with: those of the run contract its prompt carries, so
 * that the stage needs no algorithm flags of its own; this stage's own settings for a group
 * without a contract (a learner or prompt source that predates it), or for every group where the
 * operator set {@code override.run.contract}. Each advantage record names the settings it used.
 */
final class EstimatorSelection {
    private static final Logger LOG = LoggerFactory.getLogger(EstimatorSelection.class);

    private final EstimatorSettings own;
    private final boolean override;
    private final Map<RunContract, EstimatorSettings> byContract = new HashMap<>();
    private boolean warnedNoContract;

    EstimatorSelection(EstimatorSettings own, boolean override) {
        this.own = own;
        this.override = override;
    }

    EstimatorSettings forGroup(ResponseGroup rollout) {
        RunContract run = rollout.getRun();
        if (override) {
            return own;
        }
        if (run == null) {
            if (!warnedNoContract) {
                warnedNoContract = true;
                LOG.warn("group {} carries no run contract: it and others like it are valued with this stage's own"
                    + " estimator settings ({})", rollout.getPromptId(), own);
            }
            return own;
        }
        EstimatorSettings settings = byContract.get(run);
        if (settings == null) {
            try {
                settings = AdvantageConfig.estimatorFrom(run);
            } catch (IllegalArgumentException e) {
                throw new InvalidGroupException("the run contract of run " + run.getRunId() + " names estimator settings"
                    + " this stage cannot use: " + e.getMessage());
            }
            byContract.put(run, settings);
            LOG.info("run {}: its groups are valued with {} (from its run contract)", run.getRunId(), settings);
        }
        return settings;
    }
}
