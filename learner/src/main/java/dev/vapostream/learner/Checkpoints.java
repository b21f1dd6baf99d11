package dev.vapostream.learner;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.vapostream.model.training.AdamW;

/**
 * Checkpoints in {@code <run>/checkpoints/step-NNNNNN/}: policy and critic weights, both
 * optimizers' state, and {@code state.properties} (step, versions, admission and consumption
 * counts, the advantage topic offsets to resume from). A checkpoint is written to a temporary
 * folder and renamed into place, then {@code LATEST} is replaced atomically, so a learner killed
 * at any moment finds either the previous or the new checkpoint, whole. The data order depends
 * only on the seed, the step and the admission index, so these counters are the random state.
 */
final class Checkpoints {
    private static final String LATEST = "LATEST";
    private static final int KEEP = 2;

    private Checkpoints() {
    }

    /** Counters and offsets of a checkpoint. */
    /** {@code valuePretrainHistory}: the explained variances the value-pretraining gate has seen. */
    record State(long step, long policyVersion, long criticVersion, long admitted, long consumed, long dropped,
                 long corrected, long filtered, long criticStale, List<Double> valuePretrainHistory,
                 Map<Integer, Long> offsets) {
    }

    record Loaded(State state, byte[] policy, byte[] critic, AdamW.State actorOptimizer, AdamW.State criticOptimizer) {
    }

    static void save(Path runDir, State state, byte[] policy, byte[] critic, AdamW.State actor, AdamW.State criticOpt) {
        Path root = runDir.resolve("checkpoints");
        String name = String.format("step-%06d", state.step());
        Path tmp = root.resolve(".tmp-" + name);
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            Files.write(tmp.resolve("policy.weights"), policy);
            writeOptimizer(tmp.resolve("policy.adam"), actor);
            if (critic != null) {
                Files.write(tmp.resolve("critic.weights"), critic);
                writeOptimizer(tmp.resolve("critic.adam"), criticOpt);
            }
            writeState(tmp.resolve("state.properties"), state);
            Path target = root.resolve(name);
            deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Path latestTmp = root.resolve(LATEST + ".tmp");
            Files.writeString(latestTmp, name, StandardCharsets.UTF_8);
            Files.move(latestTmp, root.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            pruneOlderThan(root, KEEP);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + name + " under " + root, e);
        }
    }

    static Optional<Loaded> latest(Path runDir) {
        Path root = runDir.resolve("checkpoints");
        Path pointer = root.resolve(LATEST);
        if (!Files.exists(pointer)) {
            return Optional.empty();
        }
        try {
            Path dir = root.resolve(Files.readString(pointer, StandardCharsets.UTF_8).trim());
            State state = readState(dir.resolve("state.properties"));
            byte[] policy = Files.readAllBytes(dir.resolve("policy.weights"));
            AdamW.State actor = readOptimizer(dir.resolve("policy.adam"));
            byte[] critic = Files.exists(dir.resolve("critic.weights")) ? Files.readAllBytes(dir.resolve("critic.weights")) : null;
            AdamW.State criticOpt = critic == null ? null : readOptimizer(dir.resolve("critic.adam"));
            return Optional.of(new Loaded(state, policy, critic, actor, criticOpt));
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint under " + root + " is unreadable; remove the run folder or its "
                + "checkpoints/LATEST to start over", e);
        }
    }

    private static void writeState(Path file, State s) throws IOException {
        Properties p = new Properties();
        p.setProperty("step", Long.toString(s.step()));
        p.setProperty("policy.version", Long.toString(s.policyVersion()));
        p.setProperty("critic.version", Long.toString(s.criticVersion()));
        p.setProperty("admitted", Long.toString(s.admitted()));
        p.setProperty("consumed", Long.toString(s.consumed()));
        p.setProperty("dropped", Long.toString(s.dropped()));
        p.setProperty("corrected", Long.toString(s.corrected()));
        p.setProperty("filtered", Long.toString(s.filtered()));
        p.setProperty("critic.stale", Long.toString(s.criticStale()));
        p.setProperty("value.pretrain.history", String.join(",",
            s.valuePretrainHistory().stream().map(d -> Double.toString(d)).toList()));
        s.offsets().forEach((partition, offset) -> p.setProperty("offset." + partition, Long.toString(offset)));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "vapo learner checkpoint");
        }
    }

    private static State readState(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<Integer, Long> offsets = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("offset.")) {
                offsets.put(Integer.parseInt(key.substring("offset.".length())), Long.parseLong(p.getProperty(key)));
            }
        }
        String history = p.getProperty("value.pretrain.history", "");
        List<Double> evs = history.isBlank() ? List.of()
            : java.util.Arrays.stream(history.split(",")).map(Double::parseDouble).toList();
        return new State(num(p, "step"), num(p, "policy.version"), num(p, "critic.version"), num(p, "admitted"),
            num(p, "consumed"), num(p, "dropped"), num(p, "corrected"), num(p, "filtered"),
            Long.parseLong(p.getProperty("critic.stale", "0")), evs, offsets);
    }

    private static long num(Properties p, String key) {
        return Long.parseLong(p.getProperty(key));
    }

    private static void writeOptimizer(Path file, AdamW.State state) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream out = new DataOutputStream(
            new java.io.BufferedOutputStream(raw))) {
            out.writeInt(state.steps());
            out.writeInt(state.firstMoments().size());
            for (int i = 0; i < state.firstMoments().size(); i++) {
                writeFloats(out, state.firstMoments().get(i));
                writeFloats(out, state.secondMoments().get(i));
            }
        }
    }

    private static AdamW.State readOptimizer(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(
            new java.io.BufferedInputStream(raw))) {
            int steps = in.readInt();
            int n = in.readInt();
            List<float[]> first = new ArrayList<>(n);
            List<float[]> second = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                first.add(readFloats(in));
                second.add(readFloats(in));
            }
            return new AdamW.State(steps, first, second);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        out.writeInt(values.length);
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        float[] values = new float[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }

    private static void pruneOlderThan(Path root, int keep) throws IOException {
        List<Path> steps;
        try (Stream<Path> all = Files.list(root)) {
            steps = all.filter(p -> p.getFileName().toString().startsWith("step-"))
                .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        for (int i = 0; i < steps.size() - keep; i++) {
            deleteTree(steps.get(i));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
