package io.contrastream.job.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dedupe window against a plain deque of the last ids, under heavy index collisions. */
class RecentEventIdsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 1000})
    void agreesWithADequeOfTheLastIds(int capacity) {
        RecentEventIds ids = new RecentEventIds(capacity);
        ArrayDeque<Long> reference = new ArrayDeque<>();
        Random random = new Random(capacity);
        // Few distinct values, many sharing a home slot (multiples of 1024 share the low bits):
        // every probe chain is long and deletions shift entries across the wrap-around.
        long[] universe = new long[3 * capacity + 5];
        for (int k = 0; k < universe.length; k++) {
            universe[k] =
                    random.nextInt(4) == 0 ? random.nextLong() : (long) random.nextInt(8) << 10;
            universe[k] += k % 3 == 0 ? 0 : (long) k << 40;
        }
        for (int step = 0; step < 20_000; step++) {
            long id = universe[random.nextInt(universe.length)];
            boolean expected = reference.contains(id);
            assertThat(ids.contains(id)).as("step %d, id %x", step, id).isEqualTo(expected);
            if (!expected) {
                ids.add(id);
                reference.addLast(id);
                if (reference.size() > capacity) {
                    reference.removeFirst();
                }
            }
            assertThat(ids.size()).isEqualTo(reference.size());
        }
        assertThat(ids.toArray())
                .containsExactly(reference.stream().mapToLong(Long::longValue).toArray());
        for (long id : universe) {
            assertThat(ids.contains(id)).isEqualTo(reference.contains(id));
        }
    }

    @Test
    void capacityZeroHoldsNothing() {
        RecentEventIds off = new RecentEventIds(0);
        off.add(42);
        assertThat(off.contains(42)).isFalse();
        assertThat(off.size()).isZero();
        assertThat(off.toArray()).isEmpty();
    }

    @Test
    void resizingKeepsTheNewestIdsInOrder() {
        RecentEventIds ids = new RecentEventIds(5);
        for (long id = 1; id <= 7; id++) {
            ids.add(id);
        }
        assertThat(ids.toArray()).containsExactly(3, 4, 5, 6, 7);
        RecentEventIds smaller = ids.resized(2);
        assertThat(smaller.toArray()).containsExactly(6, 7);
        assertThat(smaller.contains(5)).isFalse();
        assertThat(smaller.contains(7)).isTrue();
        assertThat(ids.resized(10).toArray()).containsExactly(3, 4, 5, 6, 7);
        assertThat(ids.resized(5)).isEqualTo(ids);
    }

    @Test
    void fingerprintsOfNearbyIdsDiffer() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            seen.add(RecentEventIds.fingerprint("event-" + i));
        }
        assertThat(seen).hasSize(200_000);
        assertThat(RecentEventIds.fingerprint("ab")).isNotEqualTo(RecentEventIds.fingerprint("ba"));
        assertThat(RecentEventIds.fingerprint("")).isNotEqualTo(RecentEventIds.fingerprint("\0"));
    }

    @Test
    void aNegativeCapacityNamesTheSetting() {
        assertThatThrownBy(() -> new RecentEventIds(-1)).hasMessageContaining("dedupe-window");
    }
}
