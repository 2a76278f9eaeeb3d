package io.contrastream.job.io.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.job.model.PairRecord;
import io.contrastream.job.model.RawRecord;
import io.contrastream.job.model.RawRecordSerializer;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NumberedLinesTest {

    /** "number:text" for each record the reader emits. */
    private static List<String> read(byte[] file, int maxLineBytes) throws IOException {
        List<String> out = new ArrayList<>();
        try (NumberedLines.Reader reader =
                new NumberedLines.Reader(new ByteArrayInputStream(file), maxLineBytes)) {
            RawRecord r;
            while ((r = reader.read()) != null) {
                assertThat(r.partition()).isEqualTo(PairRecord.NO_PARTITION);
                out.add(r.position() + ":" + new String(r.bytes(), StandardCharsets.UTF_8));
            }
            assertThat(reader.read()).as("stays at the end").isNull();
        }
        return out;
    }

    private static List<String> read(String file) throws IOException {
        return read(file.getBytes(StandardCharsets.UTF_8), NumberedLines.DEFAULT_MAX_LINE_BYTES);
    }

    @Test
    void numbersLinesFromOne() throws IOException {
        assertThat(read("a\nbb\nccc\n")).containsExactly("1:a", "2:bb", "3:ccc");
    }

    @Test
    void blankLinesAreSkippedButCounted() throws IOException {
        assertThat(read("\na\n\n  \t \nb\n\n")).containsExactly("2:a", "5:b");
        assertThat(read("\r\n \r\nx\r\n")).containsExactly("3:x");
    }

    @Test
    void lastLineWithoutNewlineIsALine() throws IOException {
        assertThat(read("a\nb")).containsExactly("1:a", "2:b");
        assertThat(read("only")).containsExactly("1:only");
    }

    @Test
    void emptyFilesHaveNoRecords() throws IOException {
        assertThat(read("")).isEmpty();
        assertThat(read("\n\n\n")).isEmpty();
    }

    @Test
    void crlfLoseTheirCarriageReturnButLoneOnesStay() throws IOException {
        assertThat(read("a\r\nb\r\nc")).containsExactly("1:a", "2:b", "3:c");
        // One \r that ends a line goes (before \n or at the end of the file); others are data,
        // for the decoder to judge.
        assertThat(read("a\rb\r\r\nc\r")).containsExactly("1:a\rb\r", "2:c");
    }

    @Test
    void bytesAreKeptAsTheyAreIncludingUtf8() throws IOException {
        String text = "{\"id\":\"é😀\"}\n  {\"x\":1}  \n";
        assertThat(read(text)).containsExactly("1:{\"id\":\"é😀\"}", "2:  {\"x\":1}  ");
    }

    @Test
    void linesLongerThanTheReadBufferAndSplitReadsAreWhole() throws IOException {
        String longLine = "x".repeat(200_000);
        String file = "a\n" + longLine + "\r\nb\n";
        byte[] bytes = file.getBytes(StandardCharsets.UTF_8);
        // A stream that returns at most 7 bytes per read, to split lines and CRLF across reads.
        InputStream trickle =
                new FilterInputStream(new ByteArrayInputStream(bytes)) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        return super.read(b, off, Math.min(len, 7));
                    }
                };
        List<String> out = new ArrayList<>();
        try (NumberedLines.Reader reader = new NumberedLines.Reader(trickle, 1 << 20)) {
            RawRecord r;
            while ((r = reader.read()) != null) {
                out.add(r.position() + ":" + new String(r.bytes(), StandardCharsets.UTF_8));
            }
            assertThat(reader.linesRead()).isEqualTo(3);
        }
        assertThat(out).containsExactly("1:a", "2:" + longLine, "3:b");
    }

    @Test
    void overLongLinesAreTruncatedAndTheNextLineKeepsItsNumber() throws IOException {
        byte[] file = "abcdefghij\nxy\n".getBytes(StandardCharsets.UTF_8);
        assertThat(read(file, 4)).containsExactly("1:abcd", "2:xy");
    }

    @Test
    void isNotSplittableAndProducesRawRecords() {
        NumberedLines format = new NumberedLines();
        assertThat(format.isSplittable()).isFalse();
        assertThat(format.getProducedType()).isSameAs(RawRecordSerializer.TYPE);
        assertThatThrownBy(() -> new NumberedLines(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max line bytes");
    }
}
