package io.contrastream.loss;

/**
 * Whether the two items of a pair are the same kind of thing.
 *
 * <p>Inside the engine a label is always this enum, never a number: the {0, 1} against {-1, +1}
 * confusion (and Hadsell et al.'s own convention, where 0 means "similar") cannot reach the math.
 * Numbers and words from outside are turned into labels by {@link LabelConvention}, which must be
 * declared.
 */
public enum PairLabel {
    /** The items match: a duplicate, or an unchanged location. The loss pulls them together. */
    SAME,
    /** The items differ: not a duplicate, or a changed location. The loss pushes them apart. */
    DIFFERENT;

    /** The {@code y} of the loss formulas: 1 for {@link #SAME}, 0 for {@link #DIFFERENT}. */
    public double y() {
        return this == SAME ? 1.0 : 0.0;
    }
}
