package dev.vapostream.scorer.builtin;

import java.util.ArrayList;
import java.util.List;

import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.scorer.api.Score;
import dev.vapostream.scorer.api.Scorer;
import dev.vapostream.scorer.api.ScorerSettings;

/**
 * DAPO's soft overlong punishment: for a response of {@code |y|} tokens,
 * 0 while {@code |y| <= L_max - L_cache}, then {@code (L_max - L_cache - |y|) / L_cache} down to
 * -1 at {@code L_max}, and -1 beyond. No verdict on correctness.
 *
 * <p>Settings: {@code scorer.overlong.max-tokens} (L_max; default: the group's
 * {@code sampling.maxNewTokens}) and {@code scorer.overlong.cache-tokens} (L_cache; default 20% of
 * L_max, at least 1). The recorded version names the settings, so replays can tell them apart.
 */
public final class OverlongScorer implements Scorer {
    public static final String NAME = "overlong";
    public static final String BASE_VERSION = "1";
    private static final double DEFAULT_CACHE_FRACTION = 0.2;

    /** L_max, or 0 to use each group's maxNewTokens. */
    private final int maxTokens;
    /** L_cache, or 0 for 20% of L_max. */
    private final int cacheTokens;

    public OverlongScorer() {
        this(0, 0);
    }

    public OverlongScorer(int maxTokens, int cacheTokens) {
        if (maxTokens < 0 || cacheTokens < 0) {
            throw new IllegalArgumentException("overlong: max-tokens and cache-tokens must be positive");
        }
        if (maxTokens > 0 && cacheTokens > maxTokens) {
            throw new IllegalArgumentException("overlong: cache-tokens (" + cacheTokens
                + ") must not exceed max-tokens (" + maxTokens + ")");
        }
        this.maxTokens = maxTokens;
        this.cacheTokens = cacheTokens;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return BASE_VERSION + "(max-tokens=" + (maxTokens > 0 ? maxTokens : "group")
            + ",cache-tokens=" + (cacheTokens > 0 ? cacheTokens : "20%") + ")";
    }

    @Override
    public Scorer configure(ScorerSettings settings) {
        int max = settings.getInt("max-tokens").orElse(0);
        int cache = settings.getInt("cache-tokens").orElse(0);
        if (settings.get("max-tokens").isPresent() && max < 1) {
            throw new IllegalArgumentException(settings.propertyName("max-tokens") + " must be at least 1, got " + max);
        }
        if (settings.get("cache-tokens").isPresent() && cache < 1) {
            throw new IllegalArgumentException(settings.propertyName("cache-tokens") + " must be at least 1, got " + cache);
        }
        if (max > 0 && cache > max) {
            throw new IllegalArgumentException(settings.propertyName("cache-tokens") + " (" + cache
                + ") must not exceed " + settings.propertyName("max-tokens") + " (" + max + ")");
        }
        return new OverlongScorer(max, cache);
    }

    @Override
    public List<Score> score(ResponseGroup group) {
        int lMax = maxTokens > 0 ? maxTokens : group.getSampling().getMaxNewTokens();
        if (lMax < 1) {
            throw new IllegalArgumentException("overlong: group " + group.getPromptId() + " has maxNewTokens "
                + lMax + " and scorer.overlong.max-tokens is not set");
        }
        int lCache = cacheTokens > 0 ? Math.min(cacheTokens, lMax)
            : Math.max(1, (int) Math.round(lMax * DEFAULT_CACHE_FRACTION));
        List<Score> scores = new ArrayList<>(group.getResponses().size());
        for (SampledResponse response : group.getResponses()) {
            scores.add(Score.of(penalty(response.getTokens().size(), lMax, lCache)));
        }
        return scores;
    }

    /** The penalty for a response of {@code length} tokens. */
    public static double penalty(int length, int lMax, int lCache) {
        int free = lMax - lCache;
        if (length <= free) {
            return 0.0;
        }
        if (length <= lMax) {
            return (double) (free - length) / lCache;
        }
        return -1.0;
    }
}
