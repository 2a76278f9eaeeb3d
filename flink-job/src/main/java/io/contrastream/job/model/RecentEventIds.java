package io.contrastream.job.model;

import java.util.Arrays;

/**
 * The event ids a model accepted most recently, so that a repeated event (a producer's retry, a
 * batch sent twice) is refused instead of training the model twice: a window of the last {@code
 * capacity} ids, held as 64-bit fingerprints in arrival order, with an open-addressing index over
 * them for a constant-time lookup.
 *
 * <p>Edge cases:
 *
 * <ul>
 *   <li>Capacity 0 turns the check off: {@link #contains} is always false, {@link #add} keeps
 *       nothing.
 *   <li>A repeat older than the last {@code capacity} accepted ids is not recognised.
 *   <li>Two different ids with the same 64-bit {@link #fingerprint} look like a repeat; among
 *       {@code capacity} ids the chance for a new id is about {@code capacity / 2^64} (1e-16 for
 *       the default window), far below any input's error rate. Ids are not secrets, and a producer
 *       that crafts colliding ids can only refuse its own events.
 * </ul>
 *
 * Allocation happens on construction and {@link #resized} only. Not thread-safe.
 */
public final class RecentEventIds {

    private final long[] ring;

    /** Index into {@link #ring} plus one, or 0 for an empty slot; length a power of two. */
    private final int[] index;

    private final int mask;
    private int size;

    /** Slot of {@link #ring} the next id goes to (the oldest one when full). */
    private int next;

    /** An empty window of {@code capacity} ids (0 turns the check off). */
    public RecentEventIds(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("dedupe-window must be >= 0, got " + capacity);
        }
        ring = new long[capacity];
        int slots = capacity == 0 ? 1 : Integer.highestOneBit(capacity * 2 - 1) << 1;
        index = new int[slots];
        mask = slots - 1;
    }

    /** The most ids this window holds. */
    public int capacity() {
        return ring.length;
    }

    /** The ids it holds now. */
    public int size() {
        return size;
    }

    /** Whether an id with this fingerprint is among the last {@link #capacity()} accepted ones. */
    public boolean contains(long fingerprint) {
        if (size == 0) {
            return false;
        }
        for (int i = home(fingerprint); index[i] != 0; i = (i + 1) & mask) {
            if (ring[index[i] - 1] == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records an accepted id, forgetting the oldest one when the window is full. The caller checks
     * {@link #contains} first: adding a fingerprint already held keeps both copies.
     */
    public void add(long fingerprint) {
        if (ring.length == 0) {
            return;
        }
        if (size == ring.length) {
            remove(next);
        } else {
            size++;
        }
        ring[next] = fingerprint;
        int i = home(fingerprint);
        while (index[i] != 0) {
            i = (i + 1) & mask;
        }
        index[i] = next + 1;
        next = next + 1 == ring.length ? 0 : next + 1;
    }

    /** The fingerprints held, oldest first (a copy). */
    public long[] toArray() {
        long[] out = new long[size];
        int start = Math.floorMod(next - size, Math.max(ring.length, 1));
        for (int k = 0; k < size; k++) {
            out[k] = ring[(start + k) % ring.length];
        }
        return out;
    }

    /**
     * A window of another capacity holding the newest {@code min(size, capacity)} of these ids: how
     * a restored model follows a changed {@code --dedupe-window}.
     */
    public RecentEventIds resized(int capacity) {
        return of(capacity, toArray());
    }

    /** A window of {@code capacity} holding the newest of {@code oldestFirst}. */
    public static RecentEventIds of(int capacity, long[] oldestFirst) {
        RecentEventIds ids = new RecentEventIds(capacity);
        for (int k = Math.max(0, oldestFirst.length - capacity); k < oldestFirst.length; k++) {
            ids.add(oldestFirst[k]);
        }
        return ids;
    }

    /**
     * The 64-bit fingerprint of an event id: FNV-1a over its UTF-16 chars, finished with the
     * MurmurHash3 mixer so that ids differing in one char differ in about half of the bits.
     */
    public static long fingerprint(String id) {
        long h = 0xcbf29ce484222325L ^ id.length();
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private int home(long fingerprint) {
        return (int) (fingerprint ^ (fingerprint >>> 32)) & mask;
    }

    /** Removes ring slot {@code slot} from the index (backward-shift deletion, no tombstones). */
    private void remove(int slot) {
        int i = home(ring[slot]);
        while (index[i] != slot + 1) {
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (index[j] == 0) {
                break;
            }
            int k = home(ring[index[j] - 1]);
            // Move entry j back to the hole at i unless its home lies cyclically in (i, j].
            boolean homeBetween = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!homeBetween) {
                index[i] = index[j];
                i = j;
            }
        }
        index[i] = 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentEventIds other
                && other.capacity() == capacity()
                && Arrays.equals(other.toArray(), toArray());
    }

    @Override
    public int hashCode() {
        return 31 * capacity() + Arrays.hashCode(toArray());
    }
}
