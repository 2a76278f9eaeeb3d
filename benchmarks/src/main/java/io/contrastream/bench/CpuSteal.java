package io.contrastream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The share of the machine's CPU time the hypervisor gave to other guests ("steal", the eighth
 * field of the {@code cpu} line of Linux's {@code /proc/stat}) between two readings. On a shared VM
 * a run with steal above a few per cent measures the neighbours as much as the code; the harness
 * prints it beside each rate so that such runs can be told apart.
 *
 * <p>Off Linux (no {@code /proc/stat}), or if the line cannot be read, every reading is null and
 * the share is NaN.
 */
final class CpuSteal {

    private static final Path STAT = Path.of("/proc/stat");

    private CpuSteal() {}

    /** The cumulative steal and total jiffies of all CPUs, or null when unavailable. */
    static long[] read() {
        try {
            List<String> lines = Files.readAllLines(STAT);
            for (String line : lines) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long total = 0;
                    // user nice system idle iowait irq softirq steal (guest time is inside user).
                    for (int i = 1; i <= 8 && i < f.length; i++) {
                        total += Long.parseLong(f[i]);
                    }
                    return f.length > 8 ? new long[] {Long.parseLong(f[8]), total} : null;
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Steal between two readings, per cent of all CPU time, or NaN if either is missing. */
    static double percent(long[] from, long[] to) {
        if (from == null || to == null || to[1] <= from[1]) {
            return Double.NaN;
        }
        return 100.0 * (to[0] - from[0]) / (to[1] - from[1]);
    }
}
