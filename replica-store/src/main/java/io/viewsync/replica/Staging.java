package io.viewsync.replica;

import io.viewsync.core.ivm.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The changes a {@link ReplicaSource} has staged, in push order, and what a reader sees of the table given how many
 * of them it has seen: the snapshot already shows every change, so a reader that has seen the first {@code seen}
 * misses the rest — the snapshot rows of their keys are hidden and the row each such key had before its first unseen
 * change is put back. Several changes of one key must chain (each one's {@code before} is the previous one's
 * {@code after}).
 *
 * <p>Immutable, so a fetch captures what it sees with one number; lookups by key are hash lookups. Single-threaded:
 * the pipeline's thread.
 */
final class Staging {
  static final Staging EMPTY = new Staging(List.of(), List.of());

  private final List<StagedChange> changes;
  private final int[] previousOfKey; // index of the previous change of the same key, or -1
  private final Map<Row, Integer> lastOfKey = new HashMap<>();

  Staging(List<StagedChange> changes, List<String> key) {
    this.changes = List.copyOf(changes);
    this.previousOfKey = new int[changes.size()];
    for (int i = 0; i < changes.size(); i++) {
      StagedChange c = changes.get(i);
      Row k = keyOf(c, key);
      Integer previous = lastOfKey.put(k, i);
      previousOfKey[i] = previous == null ? -1 : previous;
      if (previous != null && !Objects.equals(changes.get(previous).after(), c.before())) {
        throw new IllegalArgumentException("change " + i + " of key " + k + " does not start where change "
            + previous + " ended: " + changes.get(previous) + " then " + c);
      }
    }
  }

  private static Row keyOf(StagedChange c, List<String> key) {
    if (c.before() != null && c.after() != null && !c.before().select(key).equals(c.after().select(key))) {
      throw new IllegalArgumentException("a change keeps the key: " + c);
    }
    return (c.before() != null ? c.before() : c.after()).select(key);
  }

  int size() {
    return changes.size();
  }

  StagedChange get(int index) {
    return changes.get(index);
  }

  /** Whether a reader that has seen {@code seen} changes must not see the snapshot's row with this key. */
  boolean hides(Row key, int seen) {
    Integer last = lastOfKey.get(key);
    return last != null && last >= seen;
  }

  /** The rows put back for a reader that has seen {@code seen} changes, in no particular order. */
  List<Row> putBack(int seen) {
    List<Row> out = new ArrayList<>();
    for (int i = seen; i < changes.size(); i++) {
      Row before = changes.get(i).before();
      if (before != null && previousOfKey[i] < seen) {
        out.add(before);
      }
    }
    return out;
  }
}
