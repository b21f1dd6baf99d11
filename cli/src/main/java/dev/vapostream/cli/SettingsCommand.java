package dev.vapostream.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.SettingsSpec;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A {@code vapo} command whose flags are the keys of a {@link SettingsSpec}: {@code max.steps} is
 * {@code --max-steps}. picocli parses the command line against them, so a mistyped flag is an error
 * with the nearest flag suggested, and {@code --help} is generated from the same keys, defaults and
 * docs the stage's config reads. Keys under the spec's pass-through prefixes are given as they are
 * ({@code --kafka.security.protocol SSL}).
 */
final class SettingsCommand {
    /** What a command does with its settings (flags as properties) and its positional arguments. */
    interface Action {
        int run(Properties settings, List<String> positionals) throws Exception;
    }

    private static final String CONFIG_FLAG = "--config";

    private final String name;
    private final String summary;
    private final SettingsSpec spec;
    private final boolean takesConfigFile;
    private final String positionalLabel;
    private final Action action;

    private SettingsCommand(String name, String summary, SettingsSpec spec, boolean takesConfigFile,
                            String positionalLabel, Action action) {
        this.name = name;
        this.summary = summary;
        this.spec = spec;
        this.takesConfigFile = takesConfigFile;
        this.positionalLabel = positionalLabel;
        this.action = action;
    }

    /** A command with flags only. */
    static SettingsCommand of(String name, String summary, SettingsSpec spec, Action action) {
        return new SettingsCommand(name, summary, spec, false, null, action);
    }

    /** A stage: its flags, and {@code --config FILE} with the same keys as a properties file. */
    static SettingsCommand stage(String name, String summary, SettingsSpec spec, Action action) {
        return new SettingsCommand(name, summary, spec, true, null, action);
    }

    /** A command that also takes one or more positional arguments, e.g. run folders. */
    static SettingsCommand withPositionals(String name, String summary, SettingsSpec spec, String label, Action action) {
        return new SettingsCommand(name, summary, spec, false, label, action);
    }

    String name() {
        return name;
    }

    String summary() {
        return summary;
    }

    SettingsSpec spec() {
        return spec;
    }

    /** Parses {@code args} and runs the command; {@code --help} prints the usage and runs nothing. */
    int execute(List<String> args, PrintStream out, PrintStream err) throws Exception {
        Properties passedOn = new Properties();
        List<String> rest = takePassThrough(args, passedOn);
        CommandLine commandLine = commandLine();
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(rest.toArray(String[]::new));
        } catch (ParameterException e) {
            err.println("vapo " + name + ": " + (e instanceof UnmatchedArgumentException unmatched
                ? unknownFlags(unmatched.getUnmatched()) : e.getMessage()));
            err.println("'vapo " + name + " --help' lists its flags");
            return 2;
        }
        if (parsed.isUsageHelpRequested()) {
            commandLine.usage(out);
            return 0;
        }
        return action.run(settings(parsed, passedOn), positionals(parsed));
    }

    /**
     * "unknown flag --max-stepz (did you mean --max-steps?)" for the first word picocli could not
     * match (it lists the rest of the line after it, which may be fine).
     */
    private String unknownFlags(List<String> unmatched) {
        String arg = unmatched.get(0);
        if (!arg.startsWith("--")) {
            return "unexpected argument '" + arg + "'; flags look like --name value";
        }
        String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        String nearest = spec.nearest(flag.substring(2).replace('-', '.'));
        return "unknown flag " + flag + (nearest == null ? "" : " (did you mean " + spec.setting(nearest).flag() + "?)");
    }

    private Properties settings(ParseResult parsed, Properties passedOn) {
        Properties settings = new Properties();
        String configFile = null;
        for (OptionSpec option : parsed.matchedOptions()) {
            if (option.longestName().equals(CONFIG_FLAG)) {
                configFile = option.getValue();
            } else if (option.userObject() instanceof Setting<?> setting) {
                settings.setProperty(setting.key(), option.getValue());
            }
        }
        settings.putAll(passedOn);
        if (configFile != null) {
            loadConfigFile(Path.of(configFile), settings);
        }
        return settings;
    }

    private static List<String> positionals(ParseResult parsed) {
        List<String> values = new ArrayList<>();
        for (PositionalParamSpec p : parsed.matchedPositionals()) {
            List<String> given = p.getValue();
            values.addAll(given);
        }
        return values;
    }

    /** Flags win over the file: only keys not given on the command line are taken from it, and each must be declared. */
    private void loadConfigFile(Path file, Properties into) {
        Properties fromFile = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            fromFile.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --config " + file, e);
        }
        try {
            spec.read(fromFile);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--config " + file + ": " + e.getMessage());
        }
        fromFile.stringPropertyNames().forEach(k -> into.putIfAbsent(k, fromFile.getProperty(k)));
    }

    /** Moves {@code --<prefix>key value} (and {@code --<prefix>key=value}) for the spec's prefixes into {@code into}. */
    private List<String> takePassThrough(List<String> args, Properties into) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = arg.startsWith("--") ? arg.substring(2) : "";
            int eq = flag.indexOf('=');
            String key = eq >= 0 ? flag.substring(0, eq) : flag;
            if (key.isEmpty() || spec.passThroughPrefixes().stream().noneMatch(key::startsWith)) {
                rest.add(arg);
            } else if (eq >= 0) {
                into.setProperty(key, flag.substring(eq + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                into.setProperty(key, args.get(++i));
            } else {
                throw new UsageException(arg + " needs a value");
            }
        }
        return rest;
    }

    private CommandLine commandLine() {
        CommandSpec command = CommandSpec.create().name("vapo " + name);
        command.usageMessage().description(escape(summary)).sortOptions(false).abbreviateSynopsis(true).width(110);
        if (!spec.passThroughPrefixes().isEmpty()) {
            command.usageMessage().footer(escape("Settings passed on untouched: --" + String.join("KEY, --",
                spec.passThroughPrefixes()) + "KEY VALUE"));
        }
        if (positionalLabel != null) {
            command.addPositional(PositionalParamSpec.builder().paramLabel(positionalLabel).arity("1..*")
                .type(List.class).auxiliaryTypes(String.class).description("one or more").build());
        }
        for (Setting<?> setting : spec.settings()) {
            command.addOption(option(setting));
        }
        if (takesConfigFile) {
            command.addOption(OptionSpec.builder(CONFIG_FLAG).paramLabel("FILE").type(String.class)
                .description("a properties file with the same keys (max.steps=40); flags win over it").build());
        }
        command.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this text; runs nothing").build());
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOverwrittenOptionsAllowed(true);
        return commandLine;
    }

    private static OptionSpec option(Setting<?> setting) {
        Object defaultValue = setting.defaultValue();
        String doc = setting.doc() + (setting.isRequired() ? " (required)"
            : defaultValue == null ? "" : " (default " + defaultValue + ")");
        OptionSpec.Builder option = OptionSpec.builder(setting.flag()).paramLabel("<" + setting.type() + ">")
            .type(String.class).description(escape(doc)).userObject(setting);
        if (setting.type().equals("true|false")) {
            option.arity("0..1").fallbackValue("true");
        }
        return option.build();
    }

    /** picocli formats descriptions: a literal % must be doubled. */
    private static String escape(String text) {
        return text.replace("%", "%%");
    }

    /** The commands by name, for dispatch. */
    static Map<String, SettingsCommand> byName(List<SettingsCommand> commands) {
        Map<String, SettingsCommand> map = new HashMap<>();
        commands.forEach(c -> map.put(c.name(), c));
        return map;
    }
}
