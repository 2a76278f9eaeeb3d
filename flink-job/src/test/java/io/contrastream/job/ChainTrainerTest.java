package io.contrastream.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.job.cli.ModelOptions;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.model.PairRecord;
import io.contrastream.job.model.PairRecordTypeInfoFactory;
import io.contrastream.loss.PairLabel;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --chain-trainer} is refused, naming it, wherever the job is not at parallelism 1: chained,
 * a trainer subtask would see only its own input's pairs. The outputs it gives at parallelism 1 are
 * checked against the shuffled trainer's in {@code ReplayITCase}.
 */
class ChainTrainerTest {

    @Test
    void theFlagIsRefusedAboveParallelismOne() {
        ModelOptions two = new ModelOptions();
        new CommandLine(two).parseArgs("--chain-trainer", "--parallelism", "2");
        assertThatThrownBy(two::checkJobFlags)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chain-trainer needs parallelism 1, got parallelism 2");

        ModelOptions one = new ModelOptions();
        new CommandLine(one).parseArgs("--chain-trainer");
        one.checkJobFlags();
        assertThat(one.settings(SourceInfo.kafka("pairs")).chainTrainer()).isTrue();
        ModelOptions plain = new ModelOptions();
        new CommandLine(plain).parseArgs();
        assertThat(plain.settings(SourceInfo.kafka("pairs")).chainTrainer()).isFalse();
    }

    @Test
    void theTopologyRefusesAChainedTrainerAboveParallelismOne() {
        ModelOptions options = new ModelOptions();
        new CommandLine(options).parseArgs("--chain-trainer");
        JobSettings settings = options.settings(SourceInfo.kafka("pairs"));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<PairRecord> pairs = env.fromData(PairRecordTypeInfoFactory.TYPE, pair());
        assertThatThrownBy(() -> ContrastreamJob.train(pairs, settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chain-trainer needs parallelism 1")
                .hasMessageContaining("the job's default is 2");

        // The input at 1 but the job's default at 2: refused too.
        env.setParallelism(1);
        DataStream<PairRecord> single = env.fromData(PairRecordTypeInfoFactory.TYPE, pair());
        env.setParallelism(2);
        assertThatThrownBy(() -> ContrastreamJob.train(single, settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the trainer's input runs at 1, the job's default is 2");

        env.setParallelism(1);
        assertThat(ContrastreamJob.train(single, settings).getParallelism()).isEqualTo(1);
    }

    private static PairRecord pair() {
        return new PairRecord(
                "e1",
                "m",
                "a",
                new float[] {1, 2},
                "b",
                new float[] {2, 1},
                PairLabel.SAME,
                0L,
                PairRecord.NO_PARTITION,
                1L);
    }
}
