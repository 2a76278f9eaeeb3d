package io.contrastream.job.evaluate;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The AUC-over-the-stream curve as CSV, one row per probe block of each run: {@code
 * configuration,scenario,seed,pairs,classes,auc} (pairs: training pairs before the probe; classes:
 * the classes its held-out pairs come from; auc with 6 decimals).
 */
public final class CurveCsv {

    /** The header line. */
    public static final String HEADER = "configuration,scenario,seed,pairs,classes,auc";

    private CurveCsv() {}

    /** Writes {@code report}'s curve to {@code file}, replacing it. */
    public static void write(EvaluationReport report, Path file) throws IOException {
        List<ProtocolStream.ProbeBlock> probes = report.probes();
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(HEADER);
            w.write('\n');
            for (RunResult r : report.runs()) {
                for (int b = 0; b < probes.size(); b++) {
                    w.write(
                            String.format(
                                    Locale.ROOT,
                                    "%s,%s,%d,%d,%s,%.6f%n",
                                    quoted(r.label()),
                                    report.plan().scenario().flag(),
                                    r.seed(),
                                    probes.get(b).point(),
                                    probes.get(b).classes(),
                                    r.probeAuc()[b]));
                }
            }
        }
    }

    /** A CSV field: quoted (quotes doubled) if it holds a comma, a quote or a line break. */
    static String quoted(String s) {
        if (s.indexOf(',') < 0
                && s.indexOf('"') < 0
                && s.indexOf('\n') < 0
                && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
