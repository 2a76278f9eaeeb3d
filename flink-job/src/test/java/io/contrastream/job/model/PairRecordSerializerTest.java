package io.contrastream.job.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.PairLabel;
import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Round trips, and the wire bytes against a plain writer of the documented layout. */
class PairRecordSerializerTest {

    private static PairRecord record(int dim, PairLabel label, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[dim];
        float[] b = new float[dim];
        for (int k = 0; k < dim; k++) {
            a[k] = (float) random.nextGaussian();
            b[k] = (float) (random.nextGaussian() * 1e30);
        }
        if (dim > 2) {
            a[0] = -0.0f;
            a[1] = Float.MIN_VALUE;
            b[2] = Float.MAX_VALUE;
        }
        return new PairRecord("e1", "north", "l", a, "r", b, label, 1_700_000_000_000L, 3, 42L);
    }

    /** The layout written field by field with DataOutput's own methods: the reference. */
    private static byte[] plain(PairRecord r) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        out.writeUTF(r.eventId());
        out.writeUTF(r.model());
        out.writeUTF(r.leftId());
        out.writeUTF(r.rightId());
        for (float[] v : new float[][] {r.left(), r.right()}) {
            out.writeInt(v.length);
            for (float x : v) {
                out.writeFloat(x);
            }
        }
        PairLabel label = r.label();
        out.writeByte(label == null ? 0 : label == PairLabel.SAME ? 1 : 2);
        out.writeLong(r.eventTime());
        out.writeInt(r.partition());
        out.writeLong(r.position());
        return out.getCopyOfBuffer();
    }

    @Test
    void bytesEqualThePlainLayoutAndRoundTrip() throws IOException {
        // 3000 values: beyond the initial per-thread buffer, so it grows once.
        for (int dim : new int[] {1, 3, 64, 3000}) {
            for (PairLabel label : new PairLabel[] {null, PairLabel.SAME, PairLabel.DIFFERENT}) {
                PairRecord r = record(dim, label, dim);
                DataOutputSerializer out = new DataOutputSerializer(64);
                PairRecordSerializer.INSTANCE.serialize(r, out);
                byte[] bytes = out.getCopyOfBuffer();
                assertThat(bytes).isEqualTo(plain(r));
                PairRecord back =
                        PairRecordSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
                assertThat(back.left()).isEqualTo(r.left());
                assertThat(back.right()).isEqualTo(r.right());
                assertThat(Float.floatToRawIntBits(back.left()[0]))
                        .isEqualTo(Float.floatToRawIntBits(r.left()[0]));
                assertThat(back.label()).isEqualTo(label);
                assertThat(back.model()).isEqualTo("north");
                assertThat(back.position()).isEqualTo(42L);
            }
        }
    }

    @Test
    void aNegativeFeatureCountIsRefused() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (String s : new String[] {"e", "m", "l", "r"}) {
            out.writeUTF(s);
        }
        out.writeInt(-1);
        assertThatThrownBy(
                        () ->
                                PairRecordSerializer.INSTANCE.deserialize(
                                        new DataInputDeserializer(out.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("bad feature count -1");
    }
}
