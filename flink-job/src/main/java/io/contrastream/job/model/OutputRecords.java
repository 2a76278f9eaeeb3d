package io.contrastream.job.model;

import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.PairScore;
import java.time.Instant;

/**
 * Builds and copies the trainer's per-pair output records ({@link PairScore}, {@link ChangeAlert})
 * field by field through their setters: no reflection, no boxing of the fields the schema makes
 * primitive, and no {@code truncatedTo(MILLIS)} of an event time that is whole milliseconds
 * already. Per pair this was about a tenth of the trainer thread (a score built, then copied to the
 * chained sink; an alert likewise).
 *
 * <p>A copy holds the same field values (the same objects: every field is an immutable value), so
 * it {@code equals} the original; an event time is copied as it is, not truncated again. {@code
 * OutputRecordsTest} fills every field of each schema and checks each copy against it, so a field
 * added to a schema and not copied here fails that test.
 */
public final class OutputRecords {

    /** Position of {@code event_time} in {@link PairScore}: set with put, not truncated again. */
    private static final int SCORE_EVENT_TIME =
            PairScore.getClassSchema().getField("event_time").pos();

    /** Position of {@code event_time} in {@link ChangeAlert}. */
    private static final int ALERT_EVENT_TIME =
            ChangeAlert.getClassSchema().getField("event_time").pos();

    private OutputRecords() {}

    /**
     * Sets the event time of {@code score} to {@code epochMillis}: what {@code
     * setEventTime(Instant.ofEpochMilli(epochMillis))} sets, without its truncation to milliseconds
     * (a no-op for whole milliseconds).
     */
    public static void setEventTime(PairScore score, long epochMillis) {
        score.put(SCORE_EVENT_TIME, Instant.ofEpochMilli(epochMillis));
    }

    /** {@link #setEventTime(PairScore, long)} for an alert. */
    public static void setEventTime(ChangeAlert alert, long epochMillis) {
        alert.put(ALERT_EVENT_TIME, Instant.ofEpochMilli(epochMillis));
    }

    /** A new score equal to {@code from} (null for null). */
    public static PairScore copy(PairScore from) {
        if (from == null) {
            return null;
        }
        PairScore to = new PairScore();
        to.setEventId(from.getEventId());
        to.setModel(from.getModel());
        to.setLeftId(from.getLeftId());
        to.setRightId(from.getRightId());
        to.setDistance(from.getDistance());
        to.setSimilarity(from.getSimilarity());
        to.setLabel(from.getLabel());
        to.setLoss(from.getLoss());
        to.setThreshold(from.getThreshold());
        to.setAlert(from.getAlert());
        to.setModelVersion(from.getModelVersion());
        to.put(SCORE_EVENT_TIME, from.getEventTime());
        return to;
    }

    /** A new alert equal to {@code from} (null for null). */
    public static ChangeAlert copy(ChangeAlert from) {
        if (from == null) {
            return null;
        }
        ChangeAlert to = new ChangeAlert();
        to.setAlertId(from.getAlertId());
        to.setKind(from.getKind());
        to.setModel(from.getModel());
        to.setEventId(from.getEventId());
        to.setLeftId(from.getLeftId());
        to.setRightId(from.getRightId());
        to.setDistance(from.getDistance());
        to.setThreshold(from.getThreshold());
        to.setModelVersion(from.getModelVersion());
        to.put(ALERT_EVENT_TIME, from.getEventTime());
        to.setDetail(from.getDetail());
        return to;
    }
}
