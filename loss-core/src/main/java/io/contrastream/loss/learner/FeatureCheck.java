package io.contrastream.loss.learner;

import io.contrastream.loss.simd.VectorKernels;

/**
 * The one check of a feature vector at the boundary: present, of the expected length, every value
 * finite. Kernels behind the boundary check nothing.
 */
public final class FeatureCheck {

    private FeatureCheck() {}

    /**
     * Describes what is wrong with {@code features}, or returns null when nothing is. Allocates
     * only when there is a problem, so an engine can route bad records without exceptions.
     *
     * @param side which vector, for the message ("left", "right")
     * @param expected the model's input dimension
     */
    public static String problem(String side, float[] features, int expected) {
        if (features == null) {
            return side + " features are missing";
        }
        if (features.length != expected) {
            return side
                    + " features have "
                    + features.length
                    + " values, the model expects "
                    + expected;
        }
        VectorKernels vector = VectorKernels.best();
        if (vector != null && vector.allFinite(features, features.length)) {
            return null;
        }
        for (int i = 0; i < features.length; i++) {
            float v = features[i];
            if (!Float.isFinite(v)) {
                return side + " features hold " + v + " at index " + i + "; values must be finite";
            }
        }
        return null;
    }

    /**
     * Throws when {@link #problem} finds something.
     *
     * @throws IllegalArgumentException naming the side, the sizes or the bad value
     */
    public static void require(String side, float[] features, int expected) {
        String problem = problem(side, features, expected);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
