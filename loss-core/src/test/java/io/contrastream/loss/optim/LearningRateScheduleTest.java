package io.contrastream.loss.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void constantIsTheBaseRateExactly() {
        LearningRateSchedule s = LearningRateSchedule.constant();
        assertThat(s.isConstant()).isTrue();
        for (long t : new long[] {1, 2, 1000, Long.MAX_VALUE}) {
            assertThat(s.rate(3e-4, t)).isEqualTo(3e-4);
        }
    }

    @Test
    void warmUpRampsLinearlyThenHolds() {
        LearningRateSchedule s = new LearningRateSchedule(LearningRateSchedule.Decay.CONSTANT, 4);
        assertThat(s.isConstant()).isFalse();
        assertThat(s.rate(1.0, 1)).isEqualTo(0.25);
        assertThat(s.rate(1.0, 2)).isEqualTo(0.5);
        assertThat(s.rate(1.0, 4)).isEqualTo(1.0);
        assertThat(s.rate(1.0, 5)).isEqualTo(1.0);
    }

    @Test
    void inverseSqrtIsContinuousAtTheWarmUpAndHalvesAtFourTimesIt() {
        LearningRateSchedule s =
                new LearningRateSchedule(LearningRateSchedule.Decay.INVERSE_SQRT, 1000);
        assertThat(s.rate(0.01, 1000)).isEqualTo(0.01);
        assertThat(s.rate(0.01, 1001)).isCloseTo(0.01, within(1e-5));
        assertThat(s.rate(0.01, 4000)).isCloseTo(0.005, within(1e-15));
        assertThat(s.rate(0.01, 400_000)).isCloseTo(0.0005, within(1e-15));
        assertThat(s.rate(0.01, 500)).isEqualTo(0.005);
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> new LearningRateSchedule(LearningRateSchedule.Decay.CONSTANT, -1))
                .hasMessageContaining("lr-warmup");
        assertThatThrownBy(
                        () -> new LearningRateSchedule(LearningRateSchedule.Decay.INVERSE_SQRT, 0))
                .hasMessageContaining("lr-warmup >= 1");
        assertThatThrownBy(() -> new LearningRateSchedule(null, 0))
                .hasMessageContaining("lr-schedule");
    }
}
