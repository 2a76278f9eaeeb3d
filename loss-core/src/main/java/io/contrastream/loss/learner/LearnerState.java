package io.contrastream.loss.learner;

import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.optim.LearningRateSchedule;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.scale.Standardization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The binary form of a whole {@link OnlineLearner}: its configuration, input dimension, counters,
 * parameters, optimiser state, calibrator, drift detector and metrics window.
 *
 * <p>Layout (big-endian {@link DataOutput} primitives; enums by name, so reordering an enum cannot
 * silently change a stored model):
 *
 * <pre>
 * int    magic 0x43534C52 ("CSLR")
 * short  format version (2)
 * config: encoder kind, embedding dim, hidden dim, normalize, init; input dim;
 *         loss form, margin, positive margin;
 *         optimizer kind, learning rate, momentum, nesterov, beta1, beta2, epsilon, weight decay;
 *         clip norm, seed, threshold mode and value, positive class, drift kind, delta, lambda;
 *         (version 2:) standardisation mode, window, floor; schedule decay, warm-up
 * long   events, labelled events, updates applied, updates skipped, drift detections,
 *        non-finite scores
 * int n, n little-endian floats: parameters;   int k, k little-endian floats: optimiser state
 * calibrator state, drift detector state, window state (each component's own layout)
 * (version 2:) standardiser state
 * </pre>
 *
 * <p>Version 1 (before input standardisation and schedules) reads as a model with neither: no
 * standardisation and the constant rate, which is what it was.
 *
 * <p>A reader refuses, with an {@link IOException} that says why, any other magic number, a version
 * newer than {@link #VERSION}, and arrays whose lengths do not fit the stored configuration. Every
 * later version of this class must keep reading every earlier version; the golden-file test holds
 * it to that.
 */
public final class LearnerState {

    /** Identifies a learner state: "CSLR". */
    public static final int MAGIC = 0x43534C52;

    /** The format version this class writes, and the newest it reads. */
    public static final short VERSION = 2;

    private LearnerState() {}

    /**
     * Writes the whole learner, as it stands (a lazily applied update is written to its parameters
     * first, see {@link OnlineLearner#settle}). Holds the learner's lock while it writes, so two
     * threads may serialise the same learner at once as long as neither changes it.
     */
    public static void write(OnlineLearner learner, DataOutput out) throws IOException {
        synchronized (learner) {
            learner.settle();
            writeSettled(learner, out);
        }
    }

    private static void writeSettled(OnlineLearner learner, DataOutput out) throws IOException {
        out.writeInt(MAGIC);
        out.writeShort(VERSION);
        writeConfig(learner.config(), learner.inputDim(), out);
        out.writeLong(learner.events);
        out.writeLong(learner.labelledEvents);
        out.writeLong(learner.updatesApplied);
        out.writeLong(learner.updatesSkipped);
        out.writeLong(learner.driftDetections);
        out.writeLong(learner.nonFiniteScores);
        writeFloats(learner.params, out);
        writeFloats(learner.optimizerState, out);
        learner.calibrator.writeState(out);
        learner.drift.writeState(out);
        learner.window.writeState(out);
        learner.standardizer.writeState(out);
    }

    /**
     * Reads a learner written by {@link #write}.
     *
     * @throws IOException if the bytes are not a learner state this version can read
     */
    public static OnlineLearner read(DataInput in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(
                    String.format(
                            "not a Contrastream learner state: magic 0x%08X, expected 0x%08X",
                            magic, MAGIC));
        }
        short version = in.readShort();
        if (version < 1 || version > VERSION) {
            throw new IOException(
                    "learner state has format version "
                            + version
                            + "; this engine reads versions 1 to "
                            + VERSION);
        }
        LearnerConfig config;
        int inputDim;
        try {
            EncoderConfig encoder =
                    new EncoderConfig(
                            EncoderKind.valueOf(in.readUTF()),
                            in.readInt(),
                            in.readInt(),
                            in.readBoolean(),
                            Initialization.valueOf(in.readUTF()));
            inputDim = in.readInt();
            ContrastiveLoss.Form form = ContrastiveLoss.Form.valueOf(in.readUTF());
            double margin = in.readDouble();
            double positiveMargin = in.readDouble();
            OptimizerConfig optimizer =
                    new OptimizerConfig(
                            OptimizerKind.valueOf(in.readUTF()),
                            in.readDouble(),
                            in.readDouble(),
                            in.readBoolean(),
                            in.readDouble(),
                            in.readDouble(),
                            in.readDouble(),
                            in.readDouble());
            double clipNorm = in.readDouble();
            long seed = in.readLong();
            ThresholdPolicy threshold =
                    new ThresholdPolicy(
                            ThresholdPolicy.Mode.valueOf(in.readUTF()), in.readDouble());
            PairLabel positiveClass = PairLabel.valueOf(in.readUTF());
            DriftPolicy drift =
                    new DriftPolicy(
                            DriftPolicy.Kind.valueOf(in.readUTF()),
                            in.readDouble(),
                            in.readDouble());
            Standardization standardization = Standardization.none();
            LearningRateSchedule schedule = LearningRateSchedule.constant();
            if (version >= 2) {
                standardization =
                        new Standardization(
                                Standardization.Mode.valueOf(in.readUTF()),
                                in.readLong(),
                                in.readDouble());
                schedule =
                        new LearningRateSchedule(
                                LearningRateSchedule.Decay.valueOf(in.readUTF()), in.readLong());
            }
            config =
                    new LearnerConfig(
                            encoder,
                            form,
                            margin,
                            positiveMargin,
                            optimizer,
                            clipNorm,
                            seed,
                            threshold,
                            positiveClass,
                            drift,
                            standardization,
                            schedule);
        } catch (IllegalArgumentException e) {
            throw new IOException("learner state holds an invalid configuration: " + e, e);
        }
        OnlineLearner learner;
        try {
            learner = new OnlineLearner(config, inputDim, false);
        } catch (IllegalArgumentException e) {
            throw new IOException("learner state holds an invalid configuration: " + e, e);
        }
        learner.events = in.readLong();
        learner.labelledEvents = in.readLong();
        learner.updatesApplied = in.readLong();
        learner.updatesSkipped = in.readLong();
        learner.driftDetections = in.readLong();
        learner.nonFiniteScores = in.readLong();
        readFloats(in, learner.params, "parameters");
        readFloats(in, learner.optimizerState, "optimizer state");
        learner.calibrator.readState(in);
        learner.drift.readState(in);
        learner.window.readState(in);
        if (version >= 2) {
            learner.standardizer.readState(in);
            if (learner.standardizer.pinned()) {
                learner.enableStandardizing();
            }
        }
        return learner;
    }

    /** The learner as a byte array. */
    public static byte[] toBytes(OnlineLearner learner) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 8 * learner.params.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(learner, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * A learner from {@link #toBytes}.
     *
     * @throws IOException if the bytes are not a learner state this version can read, or have bytes
     *     left over
     */
    public static OnlineLearner fromBytes(byte[] bytes) throws IOException {
        ByteArrayInputStream buffer = new ByteArrayInputStream(bytes);
        OnlineLearner learner;
        try (DataInputStream in = new DataInputStream(buffer)) {
            learner = read(in);
        } catch (java.io.EOFException e) {
            throw new IOException("learner state is truncated (" + bytes.length + " bytes)", e);
        }
        if (buffer.available() != 0) {
            throw new IOException(
                    "learner state has " + buffer.available() + " unexpected trailing bytes");
        }
        return learner;
    }

    private static void writeConfig(LearnerConfig c, int inputDim, DataOutput out)
            throws IOException {
        EncoderConfig e = c.encoder();
        out.writeUTF(e.kind().name());
        out.writeInt(e.embeddingDim());
        out.writeInt(e.hiddenDim());
        out.writeBoolean(e.normalize());
        out.writeUTF(e.init().name());
        out.writeInt(inputDim);
        out.writeUTF(c.lossForm().name());
        out.writeDouble(c.margin());
        out.writeDouble(c.positiveMargin());
        OptimizerConfig o = c.optimizer();
        out.writeUTF(o.kind().name());
        out.writeDouble(o.learningRate());
        out.writeDouble(o.momentum());
        out.writeBoolean(o.nesterov());
        out.writeDouble(o.beta1());
        out.writeDouble(o.beta2());
        out.writeDouble(o.epsilon());
        out.writeDouble(o.weightDecay());
        out.writeDouble(c.clipNorm());
        out.writeLong(c.seed());
        out.writeUTF(c.threshold().mode().name());
        out.writeDouble(c.threshold().value());
        out.writeUTF(c.positiveClass().name());
        out.writeUTF(c.drift().kind().name());
        out.writeDouble(c.drift().delta());
        out.writeDouble(c.drift().lambda());
        out.writeUTF(c.standardization().mode().name());
        out.writeLong(c.standardization().window());
        out.writeDouble(c.standardization().floor());
        out.writeUTF(c.schedule().decay().name());
        out.writeLong(c.schedule().warmup());
    }

    private static void writeFloats(float[] values, DataOutput out) throws IOException {
        out.writeInt(values.length);
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        out.write(buffer.array());
    }

    private static void readFloats(DataInput in, float[] into, String what) throws IOException {
        int n = in.readInt();
        if (n != into.length) {
            throw new IOException(
                    "learner state has "
                            + n
                            + " "
                            + what
                            + " values; its configuration needs "
                            + into.length);
        }
        byte[] bytes = new byte[4 * n];
        in.readFully(bytes);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(into);
    }
}
