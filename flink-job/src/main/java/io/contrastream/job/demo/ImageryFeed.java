package io.contrastream.job.demo;

import io.contrastream.schema.Item;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairLabel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic imagery feed for the demo: before / after feature vectors of many locations in a few
 * regions (one model per region), a known share of real changes, analyst labels on some pairs, and
 * a sensor shift half-way.
 *
 * <p>Each feature vector has {@code dim} values: the first half describe the ground ("content"),
 * the second half the conditions of the shot ("nuisance": season, light, haze), which differ
 * strongly between any two shots. A real change moves the content of the after-image; nothing else
 * does. Raw Euclidean distance is therefore dominated by nuisance and a weak change detector; a
 * model that learns to look at content is a strong one. At the shift a new sensor takes over: it
 * records the same ground in other bands (the halves of the feature vector trade places, for
 * before- and after-images alike), so a model that learned which values carry content is looking at
 * the wrong ones. Changes go unseen, the loss on labelled changes rises and the drift detectors
 * fire, until the models relearn.
 *
 * <p>Seeded and single-threaded: the same seed gives the same feed.
 */
public final class ImageryFeed {

    private static final double CONTENT_NOISE = 0.3;
    private static final double NUISANCE_NOISE = 1.5;
    private static final double CHANGE_SCALE = 1.0;

    private final String[] regions;
    private final int locationsPerRegion;
    private final int dim;
    private final int content;
    private final double changeRate;
    private final double labelFraction;
    private final long shiftAfter;
    private final SplittableRandom random;
    private final float[][][] ground;
    private long produced;
    private boolean lastChanged;
    private String lastModel;

    /**
     * @param regions model names, one per region
     * @param locationsPerRegion locations monitored in each region
     * @param dim features per image, even, >= 2
     * @param changeRate share of pairs that are real changes, in [0, 1]
     * @param labelFraction share of pairs an analyst labels, in [0, 1]
     * @param shiftAfter pairs after which the sensor shift starts (Long.MAX_VALUE: never)
     */
    public ImageryFeed(
            String[] regions,
            int locationsPerRegion,
            int dim,
            double changeRate,
            double labelFraction,
            long shiftAfter,
            long seed) {
        if (dim < 2 || dim % 2 != 0) {
            throw new IllegalArgumentException("dim must be even and >= 2, got " + dim);
        }
        if (!(changeRate >= 0 && changeRate <= 1) || !(labelFraction >= 0 && labelFraction <= 1)) {
            throw new IllegalArgumentException("change rate and label fraction must be in [0, 1]");
        }
        this.regions = regions.clone();
        this.locationsPerRegion = locationsPerRegion;
        this.dim = dim;
        this.content = dim / 2;
        this.changeRate = changeRate;
        this.labelFraction = labelFraction;
        this.shiftAfter = shiftAfter;
        this.random = new SplittableRandom(seed);
        this.ground = new float[regions.length][locationsPerRegion][content];
        for (float[][] region : ground) {
            for (float[] location : region) {
                for (int k = 0; k < content; k++) {
                    location[k] = (float) random.nextGaussian();
                }
            }
        }
    }

    /** The next pair, stamped with {@code eventTimeMs}. */
    public PairEvent next(long eventTimeMs) {
        int r = random.nextInt(regions.length);
        int l = random.nextInt(locationsPerRegion);
        boolean changed = random.nextDouble() < changeRate;
        boolean shifted = produced >= shiftAfter;
        float[] base = ground[r][l];
        float[] before = shot(base, null, shifted);
        float[] after = shot(base, changed ? changeVector() : null, shifted);
        boolean labelled = random.nextDouble() < labelFraction;
        String id = regions[r] + "-" + l;
        produced++;
        lastChanged = changed;
        lastModel = regions[r];
        return PairEvent.newBuilder()
                .setEventId(String.format("%s-%08d", regions[r], produced))
                .setModel(regions[r])
                .setLeft(item(id + "@before", before))
                .setRight(item(id + "@after", after))
                .setLabel(labelled ? (changed ? PairLabel.DIFFERENT : PairLabel.SAME) : null)
                .setEventTime(Instant.ofEpochMilli(eventTimeMs))
                .build();
    }

    /** Whether the last pair was a real change: the ground truth alerts are scored against. */
    public boolean lastChanged() {
        return lastChanged;
    }

    /** The model (region) of the last pair. */
    public String lastModel() {
        return lastModel;
    }

    /** Pairs produced so far. */
    public long produced() {
        return produced;
    }

    private float[] changeVector() {
        float[] delta = new float[content];
        for (int k = 0; k < content; k++) {
            delta[k] = (float) (CHANGE_SCALE * random.nextGaussian());
        }
        return delta;
    }

    private float[] shot(float[] base, float[] change, boolean newSensor) {
        float[] x = new float[dim];
        int contentAt = newSensor ? dim - content : 0;
        int nuisanceAt = newSensor ? 0 : content;
        for (int k = 0; k < content; k++) {
            double v = base[k] + CONTENT_NOISE * random.nextGaussian();
            if (change != null) v += change[k];
            x[contentAt + k] = (float) v;
        }
        for (int k = 0; k < dim - content; k++) {
            x[nuisanceAt + k] = (float) (NUISANCE_NOISE * random.nextGaussian());
        }
        return x;
    }

    private static Item item(String id, float[] features) {
        List<Float> values = new ArrayList<>(features.length);
        for (float v : features) {
            values.add(v);
        }
        return Item.newBuilder().setId(id).setFeatures(values).build();
    }
}
