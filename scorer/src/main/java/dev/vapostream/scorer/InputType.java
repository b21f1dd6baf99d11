package dev.vapostream.scorer;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a scoring stage reads: raw rollouts (first stage) or groups an earlier stage scored (later stages). */
public enum InputType {
    /** {@code ResponseGroup} values, e.g. vapo.rollouts. */
    RESPONSE_GROUP("response-group"),
    /** {@code ScoredGroup} values written by an earlier scoring stage; this stage appends its components. */
    SCORED_GROUP("scored-group");

    private final String configValue;

    InputType(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    public static InputType parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (InputType type : values()) {
            if (type.configValue.equals(v)) {
                return type;
            }
        }
        throw new IllegalArgumentException(ScorerConfig.INPUT_TYPE + " must be one of "
            + Arrays.stream(values()).map(InputType::configValue).collect(Collectors.joining(", ")) + ", got '" + value + "'");
    }
}
