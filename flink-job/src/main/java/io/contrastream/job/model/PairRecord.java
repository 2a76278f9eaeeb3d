package io.contrastream.job.model;

import io.contrastream.loss.PairLabel;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A pair event that passed validation at the edge of the job: non-empty model and ids, equal
 * feature lengths within the job's limit, every value finite. The trainer trusts it and checks only
 * what needs the model (the input dimension).
 *
 * <p>Carries where it came from (Kafka partition and offset, or file line), so that a record
 * refused later by the trainer can still be traced in the dead-letter output. Serialised by {@link
 * PairRecordSerializer}, never by Kryo.
 */
@TypeInfo(PairRecordTypeInfoFactory.class)
public final class PairRecord {

    /** No partition: the record came from a file. */
    public static final int NO_PARTITION = -1;

    private String eventId;
    private String model;
    private String leftId;
    private String rightId;
    private float[] left;
    private float[] right;
    private PairLabel label;
    private long eventTime;
    private int partition;
    private long position;

    /** An empty record for serializers; use the full constructor otherwise. */
    public PairRecord() {}

    /**
     * @param label SAME, DIFFERENT or null (unlabelled: scored, never learned from)
     * @param partition the Kafka partition, or {@link #NO_PARTITION} for a file
     * @param position the Kafka offset, or the 1-based line of a file
     */
    public PairRecord(
            String eventId,
            String model,
            String leftId,
            float[] left,
            String rightId,
            float[] right,
            PairLabel label,
            long eventTime,
            int partition,
            long position) {
        set(eventId, model, leftId, left, rightId, right, label, eventTime, partition, position);
    }

    public String eventId() {
        return eventId;
    }

    public String model() {
        return model;
    }

    public String leftId() {
        return leftId;
    }

    public String rightId() {
        return rightId;
    }

    /** The left item's features (not copied: do not modify). */
    public float[] left() {
        return left;
    }

    /** The right item's features (not copied: do not modify). */
    public float[] right() {
        return right;
    }

    /** SAME, DIFFERENT, or null for an unlabelled pair. */
    public PairLabel label() {
        return label;
    }

    /** Event time, epoch milliseconds. */
    public long eventTime() {
        return eventTime;
    }

    /** The Kafka partition, or {@link #NO_PARTITION}. */
    public int partition() {
        return partition;
    }

    /** The Kafka offset, or the file line. */
    public long position() {
        return position;
    }

    void set(
            String eventId,
            String model,
            String leftId,
            float[] left,
            String rightId,
            float[] right,
            PairLabel label,
            long eventTime,
            int partition,
            long position) {
        this.eventId = eventId;
        this.model = model;
        this.leftId = leftId;
        this.rightId = rightId;
        this.left = left;
        this.right = right;
        this.label = label;
        this.eventTime = eventTime;
        this.partition = partition;
        this.position = position;
    }

    @Override
    public String toString() {
        return "PairRecord["
                + eventId
                + ", model="
                + model
                + ", "
                + leftId
                + " / "
                + rightId
                + ", dim="
                + left.length
                + ", label="
                + label
                + ", t="
                + eventTime
                + "]";
    }
}
