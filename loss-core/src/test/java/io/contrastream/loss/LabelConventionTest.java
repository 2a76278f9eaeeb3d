package io.contrastream.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelConventionTest {

    @Test
    void eachConventionReadsItsOwnValues() {
        assertThat(LabelConvention.ONE_IS_SAME.parse(1)).isEqualTo(PairLabel.SAME);
        assertThat(LabelConvention.ONE_IS_SAME.parse(0)).isEqualTo(PairLabel.DIFFERENT);
        assertThat(LabelConvention.ZERO_IS_SAME.parse(0)).isEqualTo(PairLabel.SAME);
        assertThat(LabelConvention.ZERO_IS_SAME.parse(1)).isEqualTo(PairLabel.DIFFERENT);
        assertThat(LabelConvention.PLUS_MINUS_ONE.parse(1)).isEqualTo(PairLabel.SAME);
        assertThat(LabelConvention.PLUS_MINUS_ONE.parse(-1)).isEqualTo(PairLabel.DIFFERENT);
        assertThat(LabelConvention.PLUS_MINUS_ONE.parse("+1")).isEqualTo(PairLabel.SAME);
        assertThat(LabelConvention.WORDS.parse(" Same ")).isEqualTo(PairLabel.SAME);
        assertThat(LabelConvention.WORDS.parse("DIFFERENT")).isEqualTo(PairLabel.DIFFERENT);
    }

    @Test
    void zeroUnderThePlusMinusConventionIsAnErrorNotDifferent() {
        // The classic mix-up: a {0, 1} stream read as {-1, +1}. It must fail loudly.
        assertThatThrownBy(() -> LabelConvention.PLUS_MINUS_ONE.parse(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'0'")
                .hasMessageContaining("PLUS_MINUS_ONE");
        assertThatThrownBy(() -> LabelConvention.ONE_IS_SAME.parse(-1))
                .hasMessageContaining("'-1'")
                .hasMessageContaining("ONE_IS_SAME");
    }

    @Test
    void wordsAndNumbersDoNotMix() {
        assertThatThrownBy(() -> LabelConvention.WORDS.parse("1"))
                .hasMessageContaining("'1'")
                .hasMessageContaining("WORDS");
        assertThatThrownBy(() -> LabelConvention.WORDS.parse(1)).hasMessageContaining("WORDS");
        assertThatThrownBy(() -> LabelConvention.ONE_IS_SAME.parse("same"))
                .hasMessageContaining("'same'");
    }

    @Test
    void nullEmptyAndFractionalValuesAreErrors() {
        assertThatThrownBy(() -> LabelConvention.ONE_IS_SAME.parse((String) null))
                .hasMessageContaining("'null'");
        assertThatThrownBy(() -> LabelConvention.ONE_IS_SAME.parse("")).hasMessageContaining("''");
        assertThatThrownBy(() -> LabelConvention.ONE_IS_SAME.parse("1.0"))
                .hasMessageContaining("'1.0'");
        assertThatThrownBy(() -> LabelConvention.ONE_IS_SAME.parse(2)).hasMessageContaining("'2'");
    }

    @Test
    void yFollowsTheEngineConvention() {
        assertThat(PairLabel.SAME.y()).isEqualTo(1.0);
        assertThat(PairLabel.DIFFERENT.y()).isEqualTo(0.0);
    }
}
