package io.contrastream.loss.learner;

/**
 * Copies between a row-major matrix and its panel layout ({@link
 * io.contrastream.loss.simd.VectorKernels#panelRows()}): panels of {@code panelRows} consecutive
 * rows, each panel column-major, element {@code (o, i)} of a matrix of {@code cols} columns at
 * {@code (o - o % panelRows) * cols + i * panelRows + o % panelRows}. The fused kernels keep their
 * working copies so; padding rows past the matrix's own are left as they are.
 */
final class Panels {

    private Panels() {}

    /** Where element {@code (o, i)} is in the panels. */
    static int index(int o, int i, int cols, int panelRows) {
        int lane = o % panelRows;
        return (o - lane) * cols + i * panelRows + lane;
    }

    /** The first {@code rows x cols} row-major values of {@code w} into {@code panels}. */
    static void copyIn(float[] w, int rows, int cols, float[] panels, int panelRows) {
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < cols; i++) {
                panels[index(o, i, cols, panelRows)] = w[o * cols + i];
            }
        }
    }

    /** {@code panels} back into the first {@code rows x cols} row-major values of {@code w}. */
    static void copyOut(float[] panels, int panelRows, float[] w, int rows, int cols) {
        for (int o = 0; o < rows; o++) {
            for (int i = 0; i < cols; i++) {
                w[o * cols + i] = panels[index(o, i, cols, panelRows)];
            }
        }
    }
}
