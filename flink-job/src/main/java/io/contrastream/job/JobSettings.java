package io.contrastream.job;

import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.train.TrainerSettings;
import java.io.Serializable;

/**
 * The settings of the topology (not of its sources and sinks, which are injected).
 *
 * @param trainer the trainer and model settings
 * @param format the wire format of the input
 * @param maxFeatures the most values an item may have (>= 1); larger items are dead-lettered
 * @param maxEventTimeAhead how far, in ms, an event time may lie ahead of the engine's clock (>=
 *     0); later ones are dead-lettered BAD_TIMESTAMP
 * @param source where the input comes from, for dead letters
 * @param chainTrainer run the trainer in its input's thread, without the keyBy shuffle ({@code
 *     --chain-trainer}); only for a job at parallelism 1 (see {@link ContrastreamJob#train})
 */
public record JobSettings(
        TrainerSettings trainer,
        WireFormat format,
        int maxFeatures,
        long maxEventTimeAhead,
        SourceInfo source,
        boolean chainTrainer)
        implements Serializable {

    /** The settings with the trainer behind the keyBy shuffle (the default). */
    public JobSettings(
            TrainerSettings trainer,
            WireFormat format,
            int maxFeatures,
            long maxEventTimeAhead,
            SourceInfo source) {
        this(trainer, format, maxFeatures, maxEventTimeAhead, source, false);
    }

    /** Default for {@code --max-features}: 65,536 values per item. */
    public static final int DEFAULT_MAX_FEATURES = 65_536;

    /** Default for {@code --max-event-time-ahead}: one day, in ms (clock skew plus slack). */
    public static final long DEFAULT_MAX_EVENT_TIME_AHEAD = 86_400_000L;

    /** Validates the settings. */
    public JobSettings {
        if (trainer == null || format == null || source == null) {
            throw new IllegalArgumentException("trainer settings, format and source must be given");
        }
        if (maxFeatures < 1) {
            throw new IllegalArgumentException("max-features must be >= 1, got " + maxFeatures);
        }
        if (maxEventTimeAhead < 0) {
            throw new IllegalArgumentException(
                    "max-event-time-ahead must be >= 0 ms, got " + maxEventTimeAhead);
        }
    }
}
