package dev.vapostream.generator.weights;

import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.tokenizer.CharTokenizer;

/** Builds a policy from a verified weight payload; throws if the payload cannot serve this worker. */
@FunctionalInterface
public interface PolicyLoader {

    PolicyModel load(byte[] payload);

    /**
     * The model module's format ({@link PolicyModel#fromWeights}), refused unless the policy's
     * vocabulary is the tokenizer's: token ids would otherwise mean other characters.
     */
    static PolicyLoader forTokenizer(CharTokenizer tokenizer) {
        return payload -> {
            PolicyModel policy = PolicyModel.fromWeights(payload);
            if (policy.config().vocabSize() != tokenizer.vocabSize()) {
                int vocab = policy.config().vocabSize();
                policy.close();
                throw new IllegalArgumentException("policy vocabulary has " + vocab + " tokens, the tokenizer ("
                    + tokenizer.alphabet() + ") has " + tokenizer.vocabSize() + "; set tokenizer.alphabet");
            }
            return policy;
        };
    }
}
