package io.contrastream.job.io.file;

import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.RecordEncoder;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;

/**
 * A sink that writes every record to one local file as JSON lines: the record in the JSON format of
 * {@code JsonCodec} (through {@link RecordEncoder}), then {@code \n}.
 *
 * <p>Must run at parallelism 1 (a second subtask is refused at start, since two writers would
 * overwrite one file). The file is created, or truncated if it exists, when the writer starts;
 * records are buffered and flushed at every checkpoint and at the end of the input, where the file
 * is also synced to disk; it is closed when the task ends.
 *
 * <p>Not transactional: a job that fails part-way leaves the records written so far, and a job
 * restarted from a checkpoint would write some records twice. The replay command therefore runs
 * without restarts; its outputs are complete exactly when the command succeeds.
 *
 * @param <T> the Avro record type written
 */
public final class JsonLinesSink<T extends SpecificRecord> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final RecordEncoder<T> encoder;

    /**
     * @param file the file written (its directory must exist)
     * @param type the record type, whose Avro schema gives the JSON field names
     */
    public JsonLinesSink(Path file, Class<T> type) {
        // A String, since java.nio.file.Path is not serializable.
        this.file = file.toAbsolutePath().toString();
        this.encoder = new RecordEncoder<>(type, WireFormat.JSON);
    }

    /** The file written. */
    public Path file() {
        return Path.of(file);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        int parallelism = context.getTaskInfo().getNumberOfParallelSubtasks();
        if (parallelism != 1) {
            throw new IllegalStateException(
                    "JsonLinesSink writes one file and must run at parallelism 1, not "
                            + parallelism
                            + " ("
                            + file
                            + ")");
        }
        Writer<T> writer = new Writer<>(Path.of(file), encoder);
        writer.written = context.metricGroup().getNumRecordsSendCounter();
        return writer;
    }

    /**
     * Writes records to one file, one JSON object and a newline each. Usable without Flink (tests,
     * tools); not thread-safe.
     *
     * @param <T> the Avro record type written
     */
    public static final class Writer<T extends SpecificRecord> implements SinkWriter<T> {

        private final FileOutputStream file;
        private final OutputStream out;
        private final RecordEncoder<T> encoder;
        private Counter written;
        private long count;

        /**
         * Creates or truncates {@code path}.
         *
         * @param encoder encodes each record; its format must be JSON
         */
        public Writer(Path path, RecordEncoder<T> encoder) throws IOException {
            if (encoder.format() != WireFormat.JSON) {
                throw new IllegalArgumentException(
                        "JSON lines need the JSON format, got " + encoder.format());
            }
            this.file = new FileOutputStream(path.toFile(), false);
            this.out = new BufferedOutputStream(file, 1 << 16);
            this.encoder = encoder;
        }

        @Override
        public void write(T record, Context context) throws IOException {
            out.write(encoder.encode(record));
            out.write('\n');
            count++;
            if (written != null) {
                written.inc();
            }
        }

        /** Records written so far. */
        public long count() {
            return count;
        }

        /** Flushes the buffer; at the end of the input, also syncs the file to disk. */
        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
            if (endOfInput) {
                file.getFD().sync();
            }
        }

        /** Flushes what is buffered and closes the file. */
        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
