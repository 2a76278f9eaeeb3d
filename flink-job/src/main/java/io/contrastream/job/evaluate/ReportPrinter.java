package io.contrastream.job.evaluate;

import io.contrastream.loss.eval.NearestNeighbour;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Writes an {@link EvaluationReport} as text tables: per configuration a row per seed and a summary
 * row (mean +- sample std over seeds); the AUC over the stream at each probe point; with several
 * configurations the figures side by side, beside the reference range of QUALITY.md; for
 * class-shift the drift alerts around the switch.
 */
public final class ReportPrinter {

    /** QUALITY.md: pair ROC-AUC of the reference configuration (PyTorch, 5 seeds), mean. */
    public static final double REFERENCE_AUC = 0.9629;

    /** QUALITY.md: its standard deviation over seeds. */
    public static final double REFERENCE_AUC_STD = 0.0005;

    /** QUALITY.md: accuracy at margin / 2 of the reference configuration, mean. */
    public static final double REFERENCE_ACCURACY = 0.8948;

    /** QUALITY.md: its standard deviation over seeds. */
    public static final double REFERENCE_ACCURACY_STD = 0.0010;

    private ReportPrinter() {}

    /** Prints the whole report. */
    public static void print(EvaluationReport report, PrintStream out) {
        EvaluationPlan plan = report.plan();
        out.printf(
                Locale.ROOT,
                "%nContrastream evaluate: the digits protocol (QUALITY.md) through the engine"
                        + " (replay), scenario %s, %d seed%s; per run %,d labelled training pairs,"
                        + " then %,d unlabelled held-out test pairs (classes %s); probes of %,d"
                        + " unlabelled held-out pairs after %s training pairs.%n",
                plan.scenario().flag(),
                plan.seeds(),
                plan.seeds() == 1 ? "" : "s",
                plan.pairs(),
                plan.testPairs(),
                testClasses(plan),
                plan.probePairs(),
                points(report.probes()));
        if (plan.scenario() == Scenario.SCALED) {
            out.printf(
                    Locale.ROOT,
                    "Every feature in the stream is x * %.0f + %.0f (pixels / 16 before).%n",
                    Scenario.SCALE,
                    Scenario.SHIFT);
        }
        out.println();
        for (EvaluatedConfig c : report.configs()) {
            out.printf(
                    "%s: %s%n",
                    c.label(),
                    c.flags().isEmpty()
                            ? "no model flags (the defaults)"
                            : String.join(" ", c.flags()));
            out.printf("  %s%n", c.description());
        }
        for (EvaluatedConfig c : report.configs()) {
            perSeed(report, c, out);
        }
        curve(report, out);
        if (report.configs().size() > 1 || plan.scenario() != Scenario.CLASS_SHIFT) {
            sideBySide(report, out);
        }
        if (plan.scenario() == Scenario.CLASS_SHIFT) {
            classShift(report, out);
        }
    }

    private static void perSeed(EvaluationReport report, EvaluatedConfig c, PrintStream out) {
        List<RunResult> runs = report.runsOf(c);
        out.printf(
                Locale.ROOT,
                "%n%s%n%6s %18s %18s %18s %18s %18s %10s %10s %8s%n",
                c.label(),
                "seed",
                "ROC-AUC",
                "accuracy",
                "threshold",
                "1-NN embedding",
                "1-NN raw",
                "pairs",
                "updates",
                "wall s");
        for (RunResult r : runs) {
            out.printf(
                    Locale.ROOT,
                    "%6d %18.4f %18.4f %18.4f %18.4f %18.4f %,10d %,10d %8.1f%n",
                    r.seed(),
                    r.auc(),
                    r.accuracy(),
                    r.threshold(),
                    r.nearestNeighbour().accuracy(),
                    report.rawNearestNeighbour().get((int) r.seed() - 1).accuracy(),
                    r.trainingPairs(),
                    r.modelVersion(),
                    r.wallSeconds());
        }
        out.printf(
                Locale.ROOT,
                "%6s %18s %18s %18s %18s %18s %10s %10s %8s%n",
                "mean",
                Stats.meanStd(values(runs, RunResult::auc), 4),
                Stats.meanStd(values(runs, RunResult::accuracy), 4),
                Stats.meanStd(values(runs, RunResult::threshold), 4),
                Stats.meanStd(values(runs, r -> r.nearestNeighbour().accuracy()), 4),
                Stats.meanStd(rawValues(report, runs), 4),
                "",
                "",
                Stats.meanStd(values(runs, RunResult::wallSeconds), 1));
        long skipped = runs.stream().filter(r -> r.modelVersion() != r.trainingPairs()).count();
        if (skipped > 0) {
            out.printf(
                    "  WARNING: in %d run(s) the model applied fewer updates than it had training"
                            + " pairs (skipped updates; see the UPDATES_SKIPPED alerts)%n",
                    skipped);
        }
        long tied = runs.stream().filter(r -> r.nearestNeighbour().tiedQueries() > 0).count();
        if (tied > 0) {
            out.printf(
                    "  (1-NN: in %d run(s) some test rows had equally near train rows; they share"
                            + " the vote)%n",
                    tied);
        }
    }

    private static void curve(EvaluationReport report, PrintStream out) {
        List<ProtocolStream.ProbeBlock> probes = report.probes();
        if (probes.isEmpty()) {
            return;
        }
        out.printf(
                Locale.ROOT,
                "%nHeld-out pair ROC-AUC over the stream (%,d probe pairs, mean +- std over"
                        + " seeds)%n%10s %8s",
                report.plan().probePairs(),
                "pairs",
                "classes");
        for (EvaluatedConfig c : report.configs()) {
            out.printf(" %18s", c.label());
        }
        out.println();
        for (int b = 0; b < probes.size(); b++) {
            out.printf(Locale.ROOT, "%,10d %8s", probes.get(b).point(), probes.get(b).classes());
            for (EvaluatedConfig c : report.configs()) {
                out.printf(" %18s", Stats.meanStd(probeValues(report.runsOf(c), b), 4));
            }
            out.println();
        }
    }

    private static void sideBySide(EvaluationReport report, PrintStream out) {
        EvaluationPlan plan = report.plan();
        boolean reference = plan.scenario() != Scenario.CLASS_SHIFT;
        out.printf(
                "%nSummary (mean +- std over %d seed%s)%n",
                plan.seeds(), plan.seeds() == 1 ? "" : "s");
        out.printf("%-36s", "");
        for (EvaluatedConfig c : report.configs()) {
            out.printf(" %18s", c.label());
        }
        if (reference) {
            out.printf(" %32s", "QUALITY.md reference range");
        }
        out.println();
        row(
                out,
                report,
                "pair ROC-AUC (test pairs)",
                RunResult::auc,
                4,
                reference
                        ? String.format(
                                Locale.ROOT, "%.4f +- %.4f", REFERENCE_AUC, REFERENCE_AUC_STD)
                        : null);
        row(
                out,
                report,
                "accuracy at the alert threshold",
                RunResult::accuracy,
                4,
                reference
                        ? String.format(
                                Locale.ROOT,
                                "%.4f +- %.4f (margin/2)",
                                REFERENCE_ACCURACY,
                                REFERENCE_ACCURACY_STD)
                        : null);
        row(
                out,
                report,
                "1-NN accuracy, embedding",
                r -> r.nearestNeighbour().accuracy(),
                4,
                reference
                        ? "raw features: "
                                + Stats.meanStd(
                                        rawValues(report, report.runsOf(report.configs().get(0))),
                                        4)
                        : null);
        List<ProtocolStream.ProbeBlock> probes = report.probes();
        for (int b = 0; b < probes.size(); b++) {
            int point = probes.get(b).point();
            if (point == 1000 || point == 10_000 || point == 50_000 || point == plan.pairs()) {
                int block = b;
                row(
                        out,
                        report,
                        String.format(
                                Locale.ROOT,
                                "AUC after %,d pairs (%s)",
                                point,
                                probes.get(b).classes()),
                        r -> r.probeAuc()[block],
                        4,
                        null);
            }
        }
        if (reference && plan.pairs() != 200_000) {
            out.printf(
                    Locale.ROOT,
                    "(the reference range is for 200,000 training pairs; this run had %,d)%n",
                    plan.pairs());
        }
    }

    private static void classShift(EvaluationReport report, PrintStream out) {
        EvaluationPlan plan = report.plan();
        List<ProtocolStream.ProbeBlock> probes = report.probes();
        int atSwitchOld = -1;
        int atSwitchNew = -1;
        for (int b = 0; b < probes.size(); b++) {
            if (probes.get(b).point() == plan.switchPoint()) {
                if (atSwitchOld < 0) {
                    atSwitchOld = b;
                } else {
                    atSwitchNew = b;
                }
            }
        }
        int end = probes.size() - 1;
        out.printf(
                Locale.ROOT,
                "%nClass shift after %,d training pairs (classes %s, then %s): DRIFT alerts from"
                        + " alerts.jsonl, counted in labelled training pairs%n",
                plan.switchPoint(),
                atSwitchOld >= 0 ? probes.get(atSwitchOld).classes() : "0-4",
                atSwitchNew >= 0 ? probes.get(atSwitchNew).classes() : "5-9");
        out.printf(
                Locale.ROOT,
                "%-12s %5s %13s %12s %22s %16s %16s %16s%n",
                "config",
                "seed",
                "drift before",
                "drift after",
                "first drift after (+N)",
                "AUC old, switch",
                "AUC new, switch",
                String.format(Locale.ROOT, "AUC new, %,d", probes.get(end).point()));
        for (EvaluatedConfig c : report.configs()) {
            for (RunResult r : report.runsOf(c)) {
                RunResult.DriftReport d = r.drift();
                out.printf(
                        Locale.ROOT,
                        "%-12s %5d %13d %12d %22s %16s %16s %16.4f%n",
                        c.label(),
                        r.seed(),
                        d.alertsBeforeSwitch(),
                        d.alertsAfterSwitch(),
                        d.firstAfterSwitch() < 0
                                ? "none"
                                : String.format(Locale.ROOT, "%,d", d.firstAfterSwitch()),
                        atSwitchOld < 0
                                ? "-"
                                : String.format(Locale.ROOT, "%.4f", r.probeAuc()[atSwitchOld]),
                        atSwitchNew < 0
                                ? "-"
                                : String.format(Locale.ROOT, "%.4f", r.probeAuc()[atSwitchNew]),
                        r.probeAuc()[end]);
            }
        }
        out.println(
                "(drift is watched only after --warmup labelled pairs; \"+N\": the first DRIFT alert"
                        + " was raised by the N-th labelled pair after the switch; 1-NN above is over"
                        + " all classes 0-9, so it shows what the model kept of the first phase)");
    }

    private static void row(
            PrintStream out,
            EvaluationReport report,
            String name,
            java.util.function.ToDoubleFunction<RunResult> f,
            int decimals,
            String reference) {
        out.printf("%-36s", name);
        for (EvaluatedConfig c : report.configs()) {
            out.printf(" %18s", Stats.meanStd(values(report.runsOf(c), f), decimals));
        }
        if (reference != null) {
            out.printf(" %32s", reference);
        }
        out.println();
    }

    private static double[] values(
            List<RunResult> runs, java.util.function.ToDoubleFunction<RunResult> f) {
        return runs.stream().mapToDouble(f).toArray();
    }

    private static double[] probeValues(List<RunResult> runs, int block) {
        return runs.stream().mapToDouble(r -> r.probeAuc()[block]).toArray();
    }

    private static double[] rawValues(EvaluationReport report, List<RunResult> runs) {
        List<NearestNeighbour.Result> raw = report.rawNearestNeighbour();
        return runs.stream().mapToDouble(r -> raw.get((int) r.seed() - 1).accuracy()).toArray();
    }

    private static String testClasses(EvaluationPlan plan) {
        return plan.scenario() == Scenario.CLASS_SHIFT ? "5-9" : "0-9";
    }

    private static String points(List<ProtocolStream.ProbeBlock> probes) {
        StringBuilder s = new StringBuilder();
        int last = -1;
        for (ProtocolStream.ProbeBlock p : probes) {
            if (p.point() == last) {
                continue;
            }
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(String.format(Locale.ROOT, "%,d", p.point()));
            last = p.point();
        }
        return s.length() == 0 ? "no" : s.toString();
    }
}
