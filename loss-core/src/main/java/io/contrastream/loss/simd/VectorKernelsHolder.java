package io.contrastream.loss.simd;

/**
 * Makes the choice of {@link VectorKernels#best()} once, lazily. The Panama implementation is
 * loaded by name only after the module is found, so that no class of {@code jdk.incubator.vector}
 * is ever linked in a JVM that lacks it.
 */
final class VectorKernelsHolder {

    static final String MODULE = "jdk.incubator.vector";
    static final VectorKernels BEST;
    static final String DESCRIPTION;

    static {
        VectorKernels chosen = null;
        String why;
        if (!Boolean.parseBoolean(System.getProperty(VectorKernels.ENABLE_PROPERTY, "true"))) {
            why = "scalar (" + VectorKernels.ENABLE_PROPERTY + "=false)";
        } else if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            why = "scalar (start the JVM with --add-modules " + MODULE + " for vector kernels)";
        } else {
            try {
                chosen =
                        (VectorKernels)
                                Class.forName("io.contrastream.loss.simd.PanamaVectorKernels")
                                        .getMethod("createIfUseful")
                                        .invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                chosen = null;
            }
            why = chosen == null ? "scalar (vectors narrower than 256 bits)" : chosen.toString();
        }
        BEST = chosen;
        DESCRIPTION = why;
    }

    private VectorKernelsHolder() {}
}
