package dev.vapostream.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;

import dev.vapostream.learner.algo.Aggregation;
import dev.vapostream.learner.algo.Whitening;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.schemas.settings.Setting;
import org.junit.jupiter.api.Test;

class AlgorithmTest {

    @Test
    void vapoPresetHasEverySwitchOn() {
        Algorithm a = Algorithm.fromProperties(props());
        assertEquals("vapo", a.estimator());
        assertEquals(Aggregation.TOKEN, a.update().aggregation());
        assertEquals(0.2f, a.update().epsLow());
        assertEquals(0.28f, a.update().epsHigh());
        assertEquals(0.1f, a.update().lmCoefficient());
        assertTrue(a.usesCritic());
        assertTrue(a.valuePretraining().enabled());
        assertTrue(a.update().criticLr() > a.update().actorLr());
        assertEquals(16, a.groupSize());
    }

    @Test
    void eachSwitchTurnsOffExactlyItsComponent() {
        Algorithm vapo = Algorithm.fromProperties(props());
        assertEquals(0, Algorithm.fromProperties(props("value.pretrain", "false")).valuePretraining().maxSteps());
        assertEquals("ppo", Algorithm.fromProperties(props("decoupled.gae", "false")).estimator());
        assertEquals("decoupled", Algorithm.fromProperties(props("adaptive.gae", "false")).estimator());
        Algorithm noClipHigher = Algorithm.fromProperties(props("clip.higher", "false"));
        assertEquals(0.2f, noClipHigher.update().epsHigh());
        assertEquals(vapo.update().aggregation(), noClipHigher.update().aggregation());
        assertEquals(Aggregation.SEQUENCE, Algorithm.fromProperties(props("token.level.loss", "false")).update().aggregation());
        assertEquals(0f, Algorithm.fromProperties(props("lm.loss", "false")).update().lmCoefficient());
        Algorithm noGroups = Algorithm.fromProperties(props("group.sampling", "false"));
        assertEquals(vapo.groupSize() * vapo.promptsPerStep(), noGroups.groupSize() * noGroups.promptsPerStep(),
            "same batch size");
        assertTrue(noGroups.groupSize() < vapo.groupSize());
    }

    @Test
    void presetsMatchTheArchitecture() {
        Algorithm ppo = Algorithm.fromProperties(props("preset", "ppo"));
        assertEquals("ppo", ppo.estimator());
        assertEquals(Aggregation.SEQUENCE, ppo.update().aggregation());
        assertEquals(ppo.update().epsLow(), ppo.update().epsHigh());
        assertEquals(0, ppo.valuePretraining().maxSteps());
        assertEquals(0f, ppo.update().lmCoefficient());
        Algorithm dapo = Algorithm.fromProperties(props("preset", "dapo"));
        assertFalse(dapo.usesCritic());
        assertTrue(dapo.dynamicSampling());
        assertEquals("grpo", dapo.estimator());
        assertEquals(0.28f, dapo.update().epsHigh());
        assertEquals(Aggregation.TOKEN, dapo.update().aggregation());
        Algorithm grpo = Algorithm.fromProperties(props("preset", "grpo"));
        assertFalse(grpo.usesCritic());
        assertFalse(grpo.dynamicSampling());
    }

    @Test
    void dynamicSamplingCanBeTurnedOnForVapoAndOffForDapo() {
        Algorithm vapo = Algorithm.fromProperties(props("dynamic.sampling", "true"));
        assertTrue(vapo.dynamicSampling());
        assertTrue(vapo.usesCritic(), "the rest of the preset is unchanged");
        assertFalse(Algorithm.fromProperties(props("preset", "dapo", "dynamic.sampling", "false")).dynamicSampling());
        assertThrows(IllegalArgumentException.class, () -> Algorithm.fromProperties(props("dynamic.sampling", "yes")));
    }

    @Test
    void oneResponseAPromptServesACriticButNotAGroupRelativeEstimatorNorDynamicSampling() {
        // Given group size 1, When a critic-based preset without dynamic sampling resolves, Then it keeps it
        assertEquals(1, Algorithm.fromProperties(props("group.size", "1", "dynamic.sampling", "false")).groupSize());
        assertEquals(1, Algorithm.fromProperties(props("preset", "ppo", "group.size", "1")).groupSize());
        // When DAPO or GRPO asks for it, or dynamic sampling would drop every group of one, Then it is refused, saying why
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Algorithm.fromProperties(props("preset", "grpo", "group.size", "1")));
        assertTrue(e.getMessage().contains("needs at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> Algorithm.fromProperties(props("preset", "dapo", "group.size", "1", "dynamic.sampling", "false")));
        assertTrue(e.getMessage().contains("needs at least 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> Algorithm.fromProperties(props("group.size", "1", "dynamic.sampling", "true")));
        assertTrue(e.getMessage().contains("--dynamic-sampling false"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Algorithm.fromProperties(props("group.size", "0")));
        // And without group sampling a group of one stays one, with as many prompts
        Algorithm single = Algorithm.fromProperties(props("group.size", "1", "prompts.per.step", "128",
            "dynamic.sampling", "false", "group.sampling", "false"));
        assertEquals(1, single.groupSize());
        assertEquals(128, single.promptsPerStep());
    }

    @Test
    void nonsenseIsRejectedWithTheSettingNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Algorithm.fromProperties(props("preset", "reinforce")));
        assertTrue(e.getMessage().contains("reinforce"));
        e = assertThrows(IllegalArgumentException.class, () -> Algorithm.fromProperties(props("lm.loss", "no")));
        assertTrue(e.getMessage().contains("lm.loss"));
        e = assertThrows(IllegalArgumentException.class, () -> Algorithm.fromProperties(props("actor.lr", "fast")));
        assertTrue(e.getMessage().contains("actor.lr"));
    }

    @Test
    void everyPresetAndSwitchCombinationIsEitherTrainableOrRefusedAtStart() {
        for (String preset : List.of("vapo", "ppo", "dapo", "grpo")) {
            for (Setting<Boolean> componentSwitch : Algorithm.SWITCHES) {
                String component = componentSwitch.key();
                for (String value : List.of("true", "false")) {
                    Properties p = props("preset", preset, component, value);
                    boolean criticFree = preset.equals("dapo") || preset.equals("grpo");
                    if (criticFree && Algorithm.CRITIC_SWITCHES.contains(componentSwitch)) {
                        // Then a critic switch on a critic-free preset is refused, naming both
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> Algorithm.fromProperties(p), preset + " " + component);
                        assertTrue(e.getMessage().contains(preset) && e.getMessage().contains(component.replace('.', '-')),
                            e.getMessage());
                        continue;
                    }
                    // Otherwise the algorithm resolves, and it has a critic exactly when its estimator needs one
                    Algorithm a = Algorithm.fromProperties(p);
                    assertEquals(!a.estimator().equals("grpo"), a.usesCritic(), preset + " " + component + "=" + value);
                    assertTrue(a.usesCritic() || !a.valuePretraining().enabled(), preset + " " + component);
                }
            }
        }
    }

    @Test
    void theDapoDeadEndOfSession2IsRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Algorithm.fromProperties(props("preset", "dapo", "decoupled.gae", "false")));
        assertEquals("--decoupled-gae: preset dapo has no critic, so there is no decoupled gae to switch; it applies to"
            + " the presets with one (vapo, ppo)", e.getMessage());
    }

    @Test
    void valuePretrainingGateAndCriticScheduleAndWhiteningAreSettings() {
        Algorithm a = Algorithm.fromProperties(props("value.pretrain.steps", "40", "value.pretrain.patience", "0",
            "critic.epochs", "3", "critic.mini.batches", "6", "whitening", "scale"));
        assertEquals(40, a.valuePretraining().maxSteps());
        assertEquals(0, a.valuePretraining().patience());
        assertEquals(3, a.update().criticEpochs());
        assertEquals(6, a.update().criticMiniBatches());
        assertEquals(Whitening.Mode.SCALE, a.update().whitening());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Algorithm.fromProperties(props("whitening", "sometimes")));
        assertTrue(e.getMessage().contains("on, scale or off"), e.getMessage());
    }

    @Test
    void theValuePretrainingRecipeIsSettingsAndOffByDefault() {
        // Given the defaults, and a run asking for a falling critic rate and a redrawing replay pool
        Algorithm defaults = Algorithm.fromProperties(props());
        Algorithm recipe = Algorithm.fromProperties(props("value.pretrain.critic.lr.final", "0.1", "critic.replay", "200",
            "critic.replay.redraw", "true"));
        // Then the defaults keep the critic's rate constant and draw once a step; the recipe gets what it asked for
        assertEquals(1.0, defaults.valuePretraining().criticLrFinal());
        assertFalse(defaults.update().criticRedraw());
        assertEquals(0.1, recipe.valuePretraining().criticLrFinal());
        assertTrue(recipe.update().criticRedraw());
        assertEquals("true", recipe.describe().get("critic.replay.redraw"));
        // And a redraw without a pool is refused at start
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Algorithm.fromProperties(props("critic.replay.redraw", "true")));
        assertTrue(e.getMessage().contains("needs critic-replay above 1"), e.getMessage());
    }

    @Test
    void aCriticReadsThePolicysFeaturesOnlyWhenAskedAndOnlyWhereThereIsACritic() {
        // Given the defaults, a vapo run asking for the policy's features, and a dapo run asking for them
        Algorithm defaults = Algorithm.fromProperties(props());
        Algorithm reading = Algorithm.fromProperties(props("critic.policy.features", "true", "decoupled.gae", "false"));
        // Then the default critic is plain, the asking run's critic (made from a base) reads the base's features,
        // and the switch survives the other switches' rewrites of the algorithm
        assertFalse(defaults.criticReadsPolicy());
        assertTrue(reading.criticReadsPolicy());
        assertEquals("ppo", reading.estimator());
        assertEquals("true", reading.describe().get("critic.policy.features"));
        try (PolicyModel base = PolicyModel.initialise(BuiltInTask.DEFAULT.defaultModelConfig(), 1L);
             ValueModel plain = defaults.newCritic(base, 2L);
             ValueModel withFeatures = reading.newCritic(base, 2L)) {
            assertFalse(plain.readsPolicyFeatures());
            assertTrue(withFeatures.readsPolicyFeatures());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Algorithm.fromProperties(props("preset", "dapo", "critic.policy.features", "true")));
        assertTrue(e.getMessage().contains("preset dapo has no critic"), e.getMessage());
    }

    @Test
    void aResumedRunKeepsItsCriticsKind() {
        // Given a plain critic and one that reads the policy's features, as checkpoints would hold them
        Algorithm plainRun = Algorithm.fromProperties(props());
        Algorithm featureRun = Algorithm.fromProperties(props("critic.policy.features", "true"));
        try (PolicyModel base = PolicyModel.initialise(BuiltInTask.DEFAULT.defaultModelConfig(), 3L);
             ValueModel plain = plainRun.newCritic(base, 4L);
             ValueModel withFeatures = featureRun.newCritic(base, 4L)) {
            // Then each resumes under its own setting, and under the other one the learner refuses to start
            Learner.requireSameCriticInput(plainRun, plain);
            Learner.requireSameCriticInput(featureRun, withFeatures);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Learner.requireSameCriticInput(plainRun, withFeatures));
            assertTrue(e.getMessage().contains("critic.policy.features=false"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Learner.requireSameCriticInput(featureRun, plain));
        }
    }

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }
}
