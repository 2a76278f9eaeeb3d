package io.contrastream.job.io.file;

import io.contrastream.job.model.PairRecord;
import io.contrastream.job.model.RawRecord;
import io.contrastream.job.model.RawRecordSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code FileSource} format that reads a text file line by line, each non-blank line as a {@link
 * RawRecord}: the line's bytes as they are in the file (UTF-8 expected, not decoded here), without
 * its line terminator, {@link PairRecord#NO_PARTITION}, and its 1-based line number.
 *
 * <ul>
 *   <li><b>Lines</b> end at {@code \n}. One {@code \r} that ends a line is dropped too (CRLF
 *       files), also on a last line without a terminator, which is still a line. Any other {@code
 *       \r} is kept as part of the line.
 *   <li><b>Blank lines</b> (empty, or only spaces, tabs and {@code \r}) are skipped but counted, so
 *       the numbers of the other lines are those an editor shows.
 *   <li><b>Exact numbers.</b> The format is not splittable (one split per file, read from its start
 *       by one reader). On restore from a checkpoint Flink reopens the file and skips the records
 *       already emitted, which runs this reader from line 1 again, so numbers stay exact.
 *   <li><b>Over-long lines.</b> A line longer than {@code maxLineBytes} is not held in memory: its
 *       first {@code maxLineBytes} bytes are emitted (the decoder then refuses the truncated text
 *       as a dead letter, naming the line) and a warning names the line and its length.
 * </ul>
 *
 * <p>The produced type is {@link RawRecordSerializer#TYPE}.
 */
public final class NumberedLines extends SimpleStreamFormat<RawRecord> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(NumberedLines.class);

    /**
     * Default longest line kept whole: 64 MiB, beyond any pair event the decoder would accept at
     * the largest sensible {@code --max-features}.
     */
    public static final int DEFAULT_MAX_LINE_BYTES = 64 << 20;

    private final int maxLineBytes;

    /** Lines up to {@link #DEFAULT_MAX_LINE_BYTES}. */
    public NumberedLines() {
        this(DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * @param maxLineBytes the longest line emitted whole (>= 1); longer lines are truncated to it
     */
    public NumberedLines(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("max line bytes must be >= 1, got " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public StreamFormat.Reader<RawRecord> createReader(
            Configuration config, FSDataInputStream stream) {
        return new Reader(stream, maxLineBytes);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return RawRecordSerializer.TYPE;
    }

    /**
     * Reads numbered lines from any stream; also usable outside Flink (the replay command counts
     * the records of its input with it, so its totals agree with the job's by construction).
     */
    public static final class Reader implements StreamFormat.Reader<RawRecord> {

        private static final int CHUNK = 1 << 16;

        private final InputStream in;
        private final int maxLineBytes;
        private final byte[] chunk = new byte[CHUNK];
        private int chunkPos;
        private int chunkEnd;
        private boolean eof;
        private byte[] line = new byte[256];
        private long lineNumber;

        /**
         * @param in the file from its first byte; closed by {@link #close()}
         * @param maxLineBytes the longest line emitted whole
         */
        public Reader(InputStream in, int maxLineBytes) {
            this.in = in;
            this.maxLineBytes = maxLineBytes;
        }

        /** The next non-blank line, or null at the end of the file. */
        @Override
        public RawRecord read() throws IOException {
            while (true) {
                int length = readLine();
                if (length < 0) {
                    return null;
                }
                lineNumber++;
                if (!isBlank(line, length)) {
                    return new RawRecord(
                            Arrays.copyOf(line, length), PairRecord.NO_PARTITION, lineNumber);
                }
            }
        }

        /** Lines read so far, blank ones included: the number of the last line read. */
        public long linesRead() {
            return lineNumber;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        /**
         * Reads one line into {@link #line} without its terminator; returns its kept length, or -1
         * when no line is left.
         */
        private int readLine() throws IOException {
            int length = 0;
            long total = 0;
            boolean any = false;
            while (true) {
                if (chunkPos == chunkEnd && !fill()) {
                    if (!any) {
                        return -1;
                    }
                    break;
                }
                any = true;
                int start = chunkPos;
                int newline = -1;
                for (int i = start; i < chunkEnd; i++) {
                    if (chunk[i] == '\n') {
                        newline = i;
                        break;
                    }
                }
                int end = newline < 0 ? chunkEnd : newline;
                int n = end - start;
                total += n;
                int keep = Math.min(n, maxLineBytes - length);
                if (keep > 0) {
                    ensureCapacity(length + keep);
                    System.arraycopy(chunk, start, line, length, keep);
                    length += keep;
                }
                if (newline >= 0) {
                    chunkPos = newline + 1;
                    break;
                }
                chunkPos = chunkEnd;
            }
            if (total > maxLineBytes) {
                LOG.warn(
                        "line {} has {} bytes, more than {}: only its first {} bytes are read",
                        lineNumber + 1,
                        total,
                        maxLineBytes,
                        maxLineBytes);
            } else if (length > 0 && line[length - 1] == '\r') {
                length--;
            }
            return length;
        }

        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            int n = in.read(chunk, 0, CHUNK);
            while (n == 0) {
                n = in.read(chunk, 0, CHUNK);
            }
            if (n < 0) {
                eof = true;
                return false;
            }
            chunkPos = 0;
            chunkEnd = n;
            return true;
        }

        private void ensureCapacity(int needed) {
            if (needed > line.length) {
                int size = (int) Math.min(Math.max((long) line.length * 2, needed), maxLineBytes);
                line = Arrays.copyOf(line, size);
            }
        }

        private static boolean isBlank(byte[] bytes, int length) {
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }
    }
}
