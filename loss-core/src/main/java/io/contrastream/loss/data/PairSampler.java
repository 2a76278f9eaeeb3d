package io.contrastream.loss.data;

import io.contrastream.loss.PairLabel;
import java.util.SplittableRandom;

/**
 * Draws labelled pairs from a {@link LabelledRows}: with probability {@code sameFraction} a SAME
 * pair (two different rows of one class), otherwise a DIFFERENT pair (rows of two classes). The
 * first row is uniform over all rows; the second uniform over the rows that fit. The two rows of a
 * pair are never the same row. Seeded: the same seed gives the same stream.
 *
 * <p>{@link #next()} allocates nothing; read {@link #left()}, {@link #right()} and {@link #label()}
 * after each call.
 */
public final class PairSampler {

    private final LabelledRows rows;
    private final double sameFraction;
    private final SplittableRandom random;
    private final int[][] members;
    private int left;
    private int right;
    private PairLabel label;

    /**
     * @param rows at least two classes, and at least one class with two rows
     * @param sameFraction the probability of a SAME pair, in [0, 1]
     */
    public PairSampler(LabelledRows rows, double sameFraction, long seed) {
        if (!(sameFraction >= 0 && sameFraction <= 1)) {
            throw new IllegalArgumentException(
                    "same fraction must be in [0, 1], got " + sameFraction);
        }
        this.rows = rows;
        this.sameFraction = sameFraction;
        this.random = new SplittableRandom(seed);
        this.members = new int[rows.classCount()][];
        int nonEmpty = 0;
        boolean pairable = false;
        for (int c = 0; c < members.length; c++) {
            members[c] = rows.membersOf(c);
            if (members[c].length > 0) nonEmpty++;
            if (members[c].length > 1) pairable = true;
        }
        if (nonEmpty < 2 || !pairable) {
            throw new IllegalArgumentException(
                    "pairs need at least two classes and a class with two rows");
        }
    }

    /** Draws the next pair. */
    public void next() {
        boolean same = random.nextDouble() < sameFraction;
        while (true) {
            int a = random.nextInt(rows.size());
            int[] own = members[rows.classOf(a)];
            if (same) {
                if (own.length < 2) continue;
                int b = own[random.nextInt(own.length - 1)];
                if (b == a) b = own[own.length - 1];
                left = a;
                right = b;
                label = PairLabel.SAME;
                return;
            }
            int others = rows.size() - own.length;
            int k = random.nextInt(others);
            // Walk the classes other than a's to find the k-th row outside a's class.
            for (int c = 0; c < members.length; c++) {
                if (c == rows.classOf(a)) continue;
                if (k < members[c].length) {
                    left = a;
                    right = members[c][k];
                    label = PairLabel.DIFFERENT;
                    return;
                }
                k -= members[c].length;
            }
        }
    }

    /** The row index of the left item of the last pair. */
    public int left() {
        return left;
    }

    /** The row index of the right item of the last pair. */
    public int right() {
        return right;
    }

    /** The label of the last pair. */
    public PairLabel label() {
        return label;
    }
}
