package dev.vapostream.generator.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.avro.Prompt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples groups of G responses per prompt from a policy: pure computation, no Kafka. All prompts
 * of a batch are sampled together (P prompts x G rows in one KV-cached batch), so a batch is one
 * policy version by construction.
 */
public final class GroupSampler {
    private static final Logger LOG = LoggerFactory.getLogger(GroupSampler.class);

    private final CharTokenizer tokenizer;
    private final SamplingSettings settings;
    private final ToIntFunction<Prompt> groupSize;

    /** G responses for every prompt. */
    public GroupSampler(CharTokenizer tokenizer, SamplingSettings settings, int groupSize) {
        this(tokenizer, settings, prompt -> groupSize);
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be at least 1, got " + groupSize);
        }
    }

    /** As many responses for each prompt as {@code groupSize} says (e.g. its run contract's G). */
    public GroupSampler(CharTokenizer tokenizer, SamplingSettings settings, ToIntFunction<Prompt> groupSize) {
        this.tokenizer = tokenizer;
        this.settings = settings;
        this.groupSize = groupSize;
    }

    public SamplingSettings settings() {
        return settings;
    }

    /**
     * Encodes a prompt for a policy of shape {@code model}.
     *
     * @throws UnsampleablePromptException if it has characters the tokenizer does not know, or if the
     *                                     prompt plus the longest response do not fit the context
     */
    public PreparedPrompt prepare(Prompt prompt, ModelConfig model) {
        int g = groupSize.applyAsInt(prompt);
        if (g < 1) {
            throw new UnsampleablePromptException("prompt " + prompt.getId() + " asks for groups of " + g
                + " responses (its run contract's group size); at least 1 is needed");
        }
        int[] tokens;
        try {
            tokens = tokenizer.encodePrompt(prompt.getText());
        } catch (IllegalArgumentException e) {
            throw new UnsampleablePromptException("prompt " + prompt.getId() + " cannot be tokenized: " + e.getMessage(), e);
        }
        // The last sampled token is never fed back, so the model sees prompt + maxNewTokens - 1 positions.
        int positions = tokens.length + settings.maxNewTokens() - 1;
        if (positions > model.contextLength()) {
            throw new UnsampleablePromptException("prompt " + prompt.getId() + " has " + tokens.length
                + " tokens; with max.new.tokens " + settings.maxNewTokens() + " it needs " + positions
                + " positions, the policy's context is " + model.contextLength());
        }
        return new PreparedPrompt(prompt, tokens);
    }

    /**
     * One group per prompt, in input order. If the batch as a whole fails, each prompt is retried
     * alone so that one bad prompt fails only itself.
     */
    public List<GroupResult> sample(PolicyModel policy, List<PreparedPrompt> prompts, long seed) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        try {
            return sampleBatch(policy, prompts, seed).stream().<GroupResult>map(GroupResult.Sampled::new).toList();
        } catch (RuntimeException batchError) {
            if (prompts.size() == 1) {
                return List.of(new GroupResult.Failed(prompts.get(0), batchError));
            }
            LOG.warn("sampling a batch of {} prompts failed ({}); sampling them one by one", prompts.size(),
                batchError.toString());
            List<GroupResult> results = new ArrayList<>(prompts.size());
            for (int i = 0; i < prompts.size(); i++) {
                results.addAll(sample(policy, List.of(prompts.get(i)), seed + i + 1));
            }
            return results;
        }
    }

    private List<SampledGroup> sampleBatch(PolicyModel policy, List<PreparedPrompt> prompts, long seed) {
        List<int[]> rows = new ArrayList<>();
        int[] ends = new int[prompts.size()];
        for (int p = 0; p < prompts.size(); p++) {
            int[] tokens = prompts.get(p).tokens();
            for (int g = groupSize.applyAsInt(prompts.get(p).prompt()); g > 0; g--) {
                rows.add(tokens);
            }
            ends[p] = rows.size();
        }
        List<SampledResponse> responses = new Sampler(policy).sample(rows, settings, seed);
        List<SampledGroup> groups = new ArrayList<>(prompts.size());
        for (int p = 0; p < prompts.size(); p++) {
            groups.add(new SampledGroup(prompts.get(p), responses.subList(p == 0 ? 0 : ends[p - 1], ends[p])));
        }
        return groups;
    }
}
