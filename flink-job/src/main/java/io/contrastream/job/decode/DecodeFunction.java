package io.contrastream.job.decode;

import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.model.PairRecord;
import io.contrastream.job.model.RawRecord;
import io.contrastream.schema.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Runs a {@link PairDecoder} over the raw input: pairs out, dead letters to the side. */
public final class DecodeFunction extends ProcessFunction<RawRecord, PairRecord> {

    private static final long serialVersionUID = 1L;

    /** Records that could not be decoded or failed validation. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("decode-dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private final WireFormat format;
    private final int maxFeatures;
    private final long maxEventTimeAhead;
    private final SourceInfo source;

    private transient PairDecoder decoder;
    private transient Counter deadLetters;

    public DecodeFunction(
            WireFormat format, int maxFeatures, long maxEventTimeAhead, SourceInfo source) {
        this.format = format;
        this.maxFeatures = maxFeatures;
        this.maxEventTimeAhead = maxEventTimeAhead;
        this.source = source;
    }

    @Override
    public void open(OpenContext openContext) {
        decoder =
                new PairDecoder(
                        format, maxFeatures, maxEventTimeAhead, source, JsonEvents.reader(format));
        deadLetters =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("contrastream")
                        .counter("dead_letters");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<PairRecord> out) {
        PairRecord pair = decoder.decode(raw, ctx.timerService().currentProcessingTime());
        if (pair != null) {
            out.collect(pair);
        } else {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, decoder.deadLetter());
        }
    }
}
