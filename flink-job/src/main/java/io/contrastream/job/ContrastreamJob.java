package io.contrastream.job;

import io.contrastream.job.decode.DecodeFunction;
import io.contrastream.job.model.ImmutableFieldsAvroTypeInfo;
import io.contrastream.job.model.OutputRecords;
import io.contrastream.job.model.PairRecord;
import io.contrastream.job.model.RawRecord;
import io.contrastream.job.train.OnlineContrastiveTrainer;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairScore;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The topology, built from an injected input so that the command line, the demo and the tests run
 * the same graph with their own sources and sinks:
 *
 * <pre>
 * raw records --decode--> pairs --keyBy(model)--> trainer --> scores
 *                  |                                 |--> metrics, alerts (side outputs)
 *                  '--> dead letters <---------------'    (dimension mismatches)
 * </pre>
 */
public final class ContrastreamJob {

    /** Stable operator ids: savepoints map state to operators by them. */
    public static final String DECODE_UID = "decode";

    public static final String TRAINER_UID = "trainer";

    private ContrastreamJob() {}

    /** The five output streams of the job (the model files as safetensors bytes). */
    public record Outputs(
            DataStream<PairScore> scores,
            DataStream<LossMetrics> metrics,
            DataStream<ChangeAlert> alerts,
            DataStream<DeadLetter> deadLetters,
            DataStream<byte[]> models) {}

    /** Adds the decode and training operators after {@code raw}. */
    public static Outputs build(DataStream<RawRecord> raw, JobSettings settings) {
        SingleOutputStreamOperator<PairRecord> pairs =
                raw.process(
                                new DecodeFunction(
                                        settings.format(),
                                        settings.maxFeatures(),
                                        settings.maxEventTimeAhead(),
                                        settings.source()))
                        .uid(DECODE_UID)
                        .name("decode and validate")
                        // Chained to the source, one decoder per source subtask: a rebalance here
                        // would interleave a partition's (or a file's) records out of order.
                        .setParallelism(raw.getParallelism());
        SingleOutputStreamOperator<PairScore> scores = train(pairs, settings);
        DataStream<DeadLetter> deadLetters =
                pairs.getSideOutput(DecodeFunction.DEAD_LETTERS)
                        .union(scores.getSideOutput(OnlineContrastiveTrainer.DEAD_LETTERS));
        return new Outputs(
                scores,
                scores.getSideOutput(OnlineContrastiveTrainer.METRICS),
                scores.getSideOutput(OnlineContrastiveTrainer.ALERTS),
                deadLetters,
                scores.getSideOutput(OnlineContrastiveTrainer.MODELS));
    }

    /**
     * The training stage alone: {@code pairs} keyed by model into the trainer. Its side outputs are
     * {@link OnlineContrastiveTrainer#METRICS}, {@link OnlineContrastiveTrainer#ALERTS} and {@link
     * OnlineContrastiveTrainer#DEAD_LETTERS}. The throughput harness builds this same stage.
     *
     * <p>By default the pairs cross a keyBy shuffle: each is serialised by the thread that decoded
     * it and read back by the trainer's, which lets the two run on two cores at once. With {@link
     * JobSettings#chainTrainer()} the trainer instead runs in its input's thread, chained to it:
     * the stream is reinterpreted as keyed by model ({@link
     * DataStreamUtils#reinterpretAsKeyedStream}) and no pair is serialised between the stages. That
     * is exact only at parallelism 1, where every key group belongs to the one subtask, so it is
     * refused otherwise. The same pairs reach the same models in the same order: the outputs are
     * the same either way, and the state is the same keyed state under the same operator id.
     *
     * @throws IllegalArgumentException if {@code chainTrainer} is set and {@code pairs} or the
     *     environment's default parallelism is not 1
     */
    public static SingleOutputStreamOperator<PairScore> train(
            DataStream<PairRecord> pairs, JobSettings settings) {
        KeyedStream<PairRecord, String> keyed;
        if (settings.chainTrainer()) {
            int environment = pairs.getExecutionEnvironment().getParallelism();
            if (pairs.getParallelism() != 1 || environment != 1) {
                throw new IllegalArgumentException(
                        "chain-trainer needs parallelism 1 (the trainer's input runs at "
                                + pairs.getParallelism()
                                + ", the job's default is "
                                + environment
                                + "): chained, the trainer sees only its own input's pairs");
            }
            keyed =
                    DataStreamUtils.reinterpretAsKeyedStream(
                            pairs, PairRecord::model, Types.STRING);
        } else {
            keyed = pairs.keyBy(PairRecord::model, Types.STRING);
        }
        return keyed.transform(
                        "online contrastive trainer",
                        // A score's fields are immutable values: the copy to a chained sink need
                        // not be Avro's deep copy, only the score's own field by field.
                        new ImmutableFieldsAvroTypeInfo<>(PairScore.class, OutputRecords::copy),
                        new OnlineContrastiveTrainer(
                                        settings.trainer(), settings.source(), settings.format())
                                .operator())
                .uid(TRAINER_UID);
    }
}
