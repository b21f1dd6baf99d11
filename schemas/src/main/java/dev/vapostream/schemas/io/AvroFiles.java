package dev.vapostream.schemas.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro object container files of wire records: the schema travels in the file, so a recorded run
 * can be shared, imported into another cluster, or replayed with no registry at all.
 */
public final class AvroFiles {
    private AvroFiles() {
    }

    /** An open file being written; close it to finish the file. */
    public static final class Writer<V extends SpecificRecord> implements AutoCloseable {
        private final DataFileWriter<V> out;

        private Writer(DataFileWriter<V> out) {
            this.out = out;
        }

        public void append(V record) {
            try {
                out.append(record);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to Avro file", e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish Avro file", e);
            }
        }
    }

    public static <V extends SpecificRecord> Writer<V> create(Path file, Class<V> type) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            DataFileWriter<V> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type));
            writer.setCodec(CodecFactory.deflateCodec(6));
            writer.create(SpecificData.get().getSchema(type), file.toFile());
            return new Writer<>(writer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Avro file " + file, e);
        }
    }

    /** Reads every record of {@code file} as {@code type} (resolving from the file's writer schema). */
    public static <V extends SpecificRecord> long read(Path file, Class<V> type, Consumer<V> sink) {
        long count = 0;
        try (DataFileReader<V> reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type))) {
            while (reader.hasNext()) {
                sink.accept(reader.next());
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Avro file " + file + " as " + type.getSimpleName(), e);
        }
        return count;
    }
}
