package io.contrastream.loss.learner;

import io.contrastream.loss.simd.VectorKernels;

/**
 * A working copy of a row-major matrix in the panel layout of the vector kernels ({@link
 * VectorKernels#panelRows()}): panels of {@code panelRows} consecutive rows, each panel
 * column-major, element {@code (o, i)} of a matrix of {@code cols} columns at {@code (o - o %
 * panelRows) * cols + i * panelRows + o % panelRows}; rows past the matrix's own, up to whole
 * panels, are padding and stay 0. Both fused kernels keep their weights so between pairs.
 *
 * <p>The copy tracks which side holds the matrix: {@link #current} copies the caller's array in
 * when the copy does not hold it; {@link #written} records that the copy moved ahead of the
 * caller's array, which {@link #writeBack} brings level; {@link #forget} hands the matrix back to
 * the caller's array, which someone else is about to write. Pending updates are the kernels' own.
 * Not thread-safe.
 */
final class Panels {

    /**
     * The largest matrix, in floats, kept in panels: 4 MiB, a bound on the memory the copy adds to
     * each model (it doubles the weights). Within it the panel kernels won at both sizes measured:
     * 64 -> 32 through their cheap lane trees and bound-checked-once loops, 784 -> 128 (400 KB,
     * streamed through L2 panel by panel) about 1.2x the row-major pass by the medians of
     * alternated runs ({@code LearnCpuRate}, README "Performance: kernels"). Larger models keep the
     * row-major pass.
     */
    static final long LIMIT = 1 << 20;

    /** The panels. */
    final float[] data;

    /** The matrix's rows rounded up to whole panels. */
    final int paddedRows;

    private final int rows;
    private final int cols;
    private final int panelRows;

    /** Whether {@link #data} holds the matrix (else the caller's array does). */
    private boolean current;

    /** Whether the caller's array lags {@link #data}. */
    private boolean behind;

    private Panels(int rows, int cols, int panelRows) {
        this.rows = rows;
        this.cols = cols;
        this.panelRows = panelRows;
        this.paddedRows = (rows + panelRows - 1) / panelRows * panelRows;
        this.data = new float[paddedRows * cols];
    }

    /**
     * A copy for a {@code rows x cols} matrix, or null when it is not kept in panels: no vector
     * kernels, kernels without panels, or a padded matrix over {@link #LIMIT}.
     */
    static Panels of(VectorKernels vector, int rows, int cols) {
        int panel = vector == null ? 0 : vector.panelRows();
        if (panel == 0 || !fits(rows, cols, panel)) {
            return null;
        }
        return new Panels(rows, cols, panel);
    }

    /**
     * Whether a {@code rows x cols} matrix, its rows rounded up to whole panels of {@code
     * panelRows}, is within {@link #LIMIT} floats.
     */
    static boolean fits(int rows, int cols, int panelRows) {
        return (long) ((rows + panelRows - 1) / panelRows * panelRows) * cols <= LIMIT;
    }

    /**
     * A copy in panels of {@link VectorKernels#CHAIN_PANEL_ROWS} rows (the chain kernels', on any
     * vector width) for a {@code rows x cols} matrix that {@link #fits} them.
     *
     * @throws IllegalArgumentException if it does not
     */
    static Panels forChains(int rows, int cols) {
        int panel = VectorKernels.CHAIN_PANEL_ROWS;
        if (!fits(rows, cols, panel)) {
            throw new IllegalArgumentException(
                    rows
                            + " x "
                            + cols
                            + " is over the panel copies' limit of "
                            + LIMIT
                            + " floats");
        }
        return new Panels(rows, cols, panel);
    }

    /**
     * The rank-2 update {@code W(o, i) = fma(c[o], y[i], fma(a[o], u[i], W(o, i)))} of the matrix's
     * own {@code rows} in {@link #data} (padding rows stay 0), element by element as the chain
     * kernels' update; a plain loop, for the occasional flush.
     */
    void rank2(int rows, float[] a, float[] u, float[] c, float[] y) {
        for (int o = 0; o < rows; o++) {
            float ao = a[o];
            float co = c[o];
            for (int i = 0; i < cols; i++) {
                int k = index(o, i);
                data[k] = Math.fma(co, y[i], Math.fma(ao, u[i], data[k]));
            }
        }
    }

    /** The panels, holding the matrix: copied in from the row-major {@code w} if they did not. */
    float[] current(float[] w) {
        if (!current) {
            for (int o = 0; o < rows; o++) {
                for (int i = 0; i < cols; i++) {
                    data[index(o, i)] = w[o * cols + i];
                }
            }
            current = true;
            behind = false;
        }
        return data;
    }

    /** The panels were written: the caller's array lags them until {@link #writeBack}. */
    void written() {
        behind = true;
    }

    /** Whether the caller's array lags the panels. */
    boolean behind() {
        return behind;
    }

    /** Brings the row-major {@code w} level with the panels, if it lags; the copy stays current. */
    void writeBack(float[] w) {
        if (behind) {
            for (int o = 0; o < rows; o++) {
                for (int i = 0; i < cols; i++) {
                    w[o * cols + i] = data[index(o, i)];
                }
            }
            behind = false;
        }
    }

    /**
     * The caller's array holds the matrix from now on (someone else writes it); the next {@link
     * #current} copies it in again.
     *
     * @throws IllegalStateException if that array lags the panels ({@link #writeBack} first)
     */
    void forget() {
        if (behind) {
            throw new IllegalStateException("the weights are not current: flush before writing");
        }
        current = false;
    }

    private int index(int o, int i) {
        int lane = o % panelRows;
        return (o - lane) * cols + i * panelRows + lane;
    }
}
