/**
 * Vector kernels for the per-pair hot loops, chosen once at run time in the manner of Apache
 * Lucene's {@code org.apache.lucene.internal.vectorization}: {@link
 * io.contrastream.loss.simd.VectorKernels#best()} returns the {@code jdk.incubator.vector}
 * implementation when the JVM was started with {@code --add-modules jdk.incubator.vector} (and the
 * CPU has 256-bit vectors or wider), and {@code null} otherwise, in which case every caller runs
 * its own plain Java loops. Each kernel gives bit-identical results to the plain loop it replaces:
 * it performs the same IEEE float and double operations in the same order per element and per
 * accumulator, only several lanes at a time.
 */
package io.contrastream.loss.simd;
