package dev.vapostream.model.weights;

import dev.vapostream.model.ModelConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The binary weight format (documented in docs/model.md). Every field is written in big-endian
 * order and floats as their raw IEEE-754 bits, so decoding then encoding reproduces the bytes
 * exactly and the SHA-256 of the bytes identifies a set of weights.
 */
public final class WeightCodec {

    /** The name of this encoding, also its magic bytes: what {@code WeightChunk.format} says of a payload. */
    public static final String FORMAT = "VAPOWTS2";
    static final byte[] MAGIC = FORMAT.getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_RANK = 8;

    private WeightCodec() {
    }

    public static byte[] encode(WeightFile file) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            writeString(out, file.kind());
            writeConfig(out, file.config());
            out.writeInt(file.tensors().size());
            for (NamedTensor tensor : file.tensors()) {
                writeTensor(out, tensor);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static WeightFile decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not a vapo-stream weight file of this version (bad magic; files"
                        + " written before responseStart was added start with VAPOWTS1 and must be re-created)");
            }
            String kind = readString(in);
            ModelConfig config = readConfig(in);
            int count = in.readInt();
            List<NamedTensor> tensors = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                tensors.add(readTensor(in));
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("weight file has " + in.available() + " trailing bytes");
            }
            return new WeightFile(kind, config, tensors);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt weight file", e);
        }
    }

    /** Lower-case hex SHA-256 of the encoded bytes: the identity of a weight version. */
    public static String sha256Hex(byte[] encoded) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encoded));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    private static void writeConfig(DataOutputStream out, ModelConfig config) throws IOException {
        out.writeInt(config.vocabSize());
        out.writeInt(config.contextLength());
        out.writeInt(config.layers());
        out.writeInt(config.width());
        out.writeInt(config.heads());
        out.writeInt(config.mlpWidth());
        out.writeInt(config.responseStart());
    }

    private static ModelConfig readConfig(DataInputStream in) throws IOException {
        return new ModelConfig(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                in.readInt());
    }

    private static void writeTensor(DataOutputStream out, NamedTensor tensor) throws IOException {
        writeString(out, tensor.name());
        int[] shape = tensor.shape();
        out.writeInt(shape.length);
        for (int dim : shape) {
            out.writeInt(dim);
        }
        for (float value : tensor.values()) {
            out.writeInt(Float.floatToRawIntBits(value));
        }
    }

    private static NamedTensor readTensor(DataInputStream in) throws IOException {
        String name = readString(in);
        int rank = in.readInt();
        if (rank < 0 || rank > MAX_RANK) {
            throw new IllegalArgumentException(name + ": implausible rank " + rank);
        }
        int[] shape = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            shape[i] = in.readInt();
            size *= Math.max(shape[i], 0);
        }
        if (size * Float.BYTES > in.available()) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " exceeds the file");
        }
        float[] values = new float[(int) size];
        for (int i = 0; i < values.length; i++) {
            values[i] = Float.intBitsToFloat(in.readInt());
        }
        return new NamedTensor(name, shape, values);
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IllegalArgumentException("implausible string length " + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
