package io.contrastream.job.evaluate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The AUC-over-the-stream curves as a PNG (JFreeChart, drawn headless): held-out pair ROC-AUC
 * against training pairs on a log axis, a thick line per configuration (the mean over seeds) and a
 * thin one per seed in the same colour, the reference range of QUALITY.md as a shaded band (not for
 * class-shift, whose test classes differ), and for class-shift a dashed line at the switch.
 */
public final class AucCurvePlot {

    /** Default size, pixels. */
    public static final int WIDTH = 900;

    /** Default size, pixels. */
    public static final int HEIGHT = 500;

    private static final Color[] PALETTE = {
        new Color(0x1f, 0x77, 0xb4),
        new Color(0xd6, 0x27, 0x28),
        new Color(0x2c, 0xa0, 0x2c),
        new Color(0xff, 0x7f, 0x0e),
        new Color(0x94, 0x67, 0xbd),
    };

    private AucCurvePlot() {}

    /** Draws {@code report}'s curves into {@code file} (PNG, {@link #WIDTH} x {@link #HEIGHT}). */
    public static void write(EvaluationReport report, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ChartUtils.saveChartAsPNG(file.toFile(), chart(report), WIDTH, HEIGHT);
    }

    /** The chart. */
    static JFreeChart chart(EvaluationReport report) {
        EvaluationPlan plan = report.plan();
        List<ProtocolStream.ProbeBlock> probes = report.probes();
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        double lo = 1;
        double hi = 0;
        int series = 0;
        for (int c = 0; c < report.configs().size(); c++) {
            EvaluatedConfig config = report.configs().get(c);
            Color colour = PALETTE[c % PALETTE.length];
            List<RunResult> runs = report.runsOf(config);
            XYSeries mean =
                    new XYSeries(
                            runs.size() > 1
                                    ? config.label() + " (mean of " + runs.size() + " seeds)"
                                    : config.label(),
                            false,
                            true);
            for (int b = 0; b < probes.size(); b++) {
                double sum = 0;
                for (RunResult r : runs) {
                    sum += r.probeAuc()[b];
                    lo = Math.min(lo, r.probeAuc()[b]);
                    hi = Math.max(hi, r.probeAuc()[b]);
                }
                mean.add(probes.get(b).point(), sum / runs.size());
            }
            data.addSeries(mean);
            renderer.setSeriesPaint(series, colour);
            renderer.setSeriesStroke(series, new BasicStroke(2.8f));
            renderer.setSeriesShapesVisible(series, true);
            series++;
            if (runs.size() > 1) {
                Color faint = new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 90);
                for (RunResult r : runs) {
                    XYSeries one = new XYSeries(config.label() + ", seed " + r.seed(), false, true);
                    for (int b = 0; b < probes.size(); b++) {
                        one.add(probes.get(b).point(), r.probeAuc()[b]);
                    }
                    data.addSeries(one);
                    renderer.setSeriesPaint(series, faint);
                    renderer.setSeriesStroke(series, new BasicStroke(1.0f));
                    renderer.setSeriesVisibleInLegend(series, false);
                    series++;
                }
            }
        }
        renderer.setDefaultShapesFilled(true);

        LogAxis x = new LogAxis("labelled training pairs (log scale)");
        x.setBase(10);
        x.setSmallestValue(1);
        x.setNumberFormatOverride(new DecimalFormat("#,##0"));
        // Labels at the decades only (1,000, 10,000, ...), minor ticks between them.
        x.setTickUnit(new NumberTickUnit(1.0));
        x.setMinorTickCount(9);
        x.setMinorTickMarksVisible(true);
        NumberAxis y = new NumberAxis("held-out pair ROC-AUC");
        y.setAutoRangeIncludesZero(false);
        boolean reference = plan.scenario() != Scenario.CLASS_SHIFT;
        if (reference) {
            lo = Math.min(lo, ReportPrinter.REFERENCE_AUC - ReportPrinter.REFERENCE_AUC_STD);
            hi = Math.max(hi, ReportPrinter.REFERENCE_AUC + ReportPrinter.REFERENCE_AUC_STD);
        }
        double pad = Math.max(0.005, (hi - lo) * 0.05);
        y.setRange(Math.max(0, lo - pad), Math.min(1.0, hi + pad));

        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        if (reference) {
            IntervalMarker band =
                    new IntervalMarker(
                            ReportPrinter.REFERENCE_AUC - ReportPrinter.REFERENCE_AUC_STD,
                            ReportPrinter.REFERENCE_AUC + ReportPrinter.REFERENCE_AUC_STD,
                            new Color(0x30, 0x30, 0x30, 110));
            band.setLabel(
                    String.format(
                            Locale.ROOT,
                            "QUALITY.md reference range at 200,000 pairs: %.4f +- %.4f",
                            ReportPrinter.REFERENCE_AUC,
                            ReportPrinter.REFERENCE_AUC_STD));
            band.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            band.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            band.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);
            band.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addRangeMarker(band, Layer.BACKGROUND);
        } else {
            ValueMarker shift = new ValueMarker(plan.switchPoint());
            shift.setPaint(Color.DARK_GRAY);
            shift.setStroke(
                    new BasicStroke(
                            1.2f,
                            BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER,
                            10f,
                            new float[] {6f, 4f},
                            0f));
            shift.setLabel("classes 0-4 -> 5-9");
            shift.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            shift.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            shift.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            shift.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            plot.addDomainMarker(shift);
        }

        JFreeChart chart =
                new JFreeChart(
                        String.format(
                                Locale.ROOT,
                                "Held-out pair ROC-AUC over the stream: digits, %s",
                                plan.scenario().flag()),
                        new Font(Font.SANS_SERIF, Font.BOLD, 16),
                        plot,
                        true);
        chart.addSubtitle(
                new TextTitle(
                        String.format(
                                Locale.ROOT,
                                "contrastream evaluate: %d seed%s, %,d probe pairs per point%s",
                                plan.seeds(),
                                plan.seeds() == 1 ? "" : "s",
                                plan.probePairs(),
                                plan.seeds() > 1 ? "; thin lines: single seeds" : ""),
                        new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
