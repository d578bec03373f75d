package io.viewsync.core.protocol;

import io.viewsync.core.ivm.Row;
import io.viewsync.core.view.RowPatch;
import io.viewsync.core.view.RowRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows one client group holds (DESIGN §8): the union of the rows of its queries, each row once however many
 * of its queries hold it, with the queries holding it counted. It turns the per-query changes of an advance
 * ({@link RowPatch}es of each query's view, or a query's whole rows when it is subscribed or dropped) into the
 * group's own changes: a put when a row enters the group or its value changes, a delete when the last query
 * holding it lets go. What one poke carries is {@link #drain()}: one change per row, the last one.
 *
 * <p>Versions (client view records, DESIGN §8): {@link #commit} stamps the drained changes with the version of
 * the poke that carries them: a live row keeps the version it last changed at, a row the group let go of becomes a
 * tombstone with the version of its delete. {@link #since} is then what a client whose cookie is at version
 * {@code v} lacks: the puts and deletes of every row stamped after {@code v}, which is how a reconnecting client, or
 * one whose socket was too slow for some pokes, catches up with one poke. Tombstones are kept until
 * {@link #pruneTombstones} drops the oldest; the version of the newest one dropped is the horizon: a cookie
 * below it can no longer be caught up (its owner gets a reset poke). {@link Commit#records()} lists the rows whose
 * record (version, value, holders) changed, for the caller to persist.
 *
 * <p>Rows are kept as storage values with every server column; projecting them to the client's declared columns
 * and encoding them ({@link ClientView}, {@link WireValues}) is the poke writer's job.
 *
 * <p>Not thread-safe: the view-sync thread owns a client group.
 */
public final class GroupRows {
  private static final class Held {
    final Set<String> queries = new HashSet<>(2);
    Row value;
    long version;
  }

  /**
   * A row's record after a commit: its version, its value ({@code null} for a tombstone) and how many of the
   * group's queries hold it (0 for a tombstone).
   */
  public record Record(RowRef ref, long version, Row value, int holders) {
    public boolean live() {
      return value != null;
    }
  }

  /** What {@link #commit} stamped: the changes a poke carries, and the records to persist. */
  public record Commit(List<RowPatch> changes, List<Record> records) {}

  private final Map<RowRef, Held> rows = new HashMap<>();
  private final Map<String, Set<RowRef>> byQuery = new HashMap<>();
  private final Map<RowRef, RowPatch> pending = new LinkedHashMap<>();
  private final Map<RowRef, Long> tombstones = new HashMap<>();
  private final Set<RowRef> dirty = new LinkedHashSet<>(); // records changed since the last commit
  private long horizon = Long.MIN_VALUE;

  /** Applies one query's patches (its view's {@code drain()} or a diff after a reset). */
  public void apply(String queryID, List<RowPatch> patches) {
    for (RowPatch p : patches) {
      RowRef ref = new RowRef(p.table(), p.key());
      if (p.isDelete()) {
        release(queryID, ref);
      } else {
        hold(queryID, ref, p.row());
      }
    }
  }

  /** A query joins the group with all its rows (a view already hydrated for other groups). */
  public void load(String queryID, Map<RowRef, Row> queryRows) {
    queryRows.forEach((ref, row) -> hold(queryID, ref, row));
  }

  /**
   * A query's rows answered anew (its view rebuilt over another replica): rows it no longer has are released,
   * the others held with their new value, so only what differs becomes a change, and rows other queries hold are
   * untouched.
   */
  public void replace(String queryID, Map<RowRef, Row> queryRows) {
    Set<RowRef> held = byQuery.get(queryID);
    if (held != null) {
      for (RowRef ref : new ArrayList<>(held)) {
        if (!queryRows.containsKey(ref)) {
          release(queryID, ref);
        }
      }
    }
    load(queryID, queryRows);
  }

  /** A query leaves the group (unsubscribed, or now unavailable): the rows only it held are deleted. */
  public void drop(String queryID) {
    Set<RowRef> held = byQuery.remove(queryID);
    if (held == null) {
      return;
    }
    for (RowRef ref : held) {
      Held h = rows.get(ref);
      h.queries.remove(queryID);
      dirty.add(ref);
      if (h.queries.isEmpty()) {
        rows.remove(ref);
        pending.put(ref, new RowPatch(ref.table(), ref.key(), null));
      }
    }
  }

  private void hold(String queryID, RowRef ref, Row value) {
    Held h = rows.computeIfAbsent(ref, r -> new Held());
    if (h.queries.add(queryID)) {
      dirty.add(ref);
    }
    byQuery.computeIfAbsent(queryID, q -> new HashSet<>()).add(ref);
    if (!value.equals(h.value)) {
      h.value = value;
      pending.put(ref, new RowPatch(ref.table(), ref.key(), value));
    }
  }

  private void release(String queryID, RowRef ref) {
    Held h = rows.get(ref);
    if (h == null || !h.queries.remove(queryID)) {
      return; // the query did not hold it (a delete of a row it never had is not the group's concern)
    }
    Set<RowRef> held = byQuery.get(queryID);
    if (held != null) {
      held.remove(ref);
    }
    dirty.add(ref);
    if (h.queries.isEmpty()) {
      rows.remove(ref);
      pending.put(ref, new RowPatch(ref.table(), ref.key(), null));
    }
  }

  /**
   * The group's changes since the last drain, one per row: a put of its latest value, or a delete. A row that
   * left and came back with the same value is a put. A delete may name a row the client never received (it came
   * and went within one poke); a client ignores a delete of a row it does not have.
   */
  public List<RowPatch> drain() {
    List<RowPatch> out = new ArrayList<>(pending.values());
    pending.clear();
    return out;
  }

  /**
   * {@link #drain()}s the changes and stamps them with {@code version} (a live row's version, a deleted one's
   * tombstone); returns them with the records that changed since the last commit.
   */
  public Commit commit(long version) {
    List<RowPatch> changes = drain();
    for (RowPatch p : changes) {
      RowRef ref = new RowRef(p.table(), p.key());
      if (p.isDelete()) {
        tombstones.put(ref, version);
      } else {
        rows.get(ref).version = version;
        tombstones.remove(ref);
      }
      dirty.add(ref);
    }
    List<Record> records = new ArrayList<>(dirty.size());
    for (RowRef ref : dirty) {
      records.add(record(ref));
    }
    dirty.clear();
    return new Commit(changes, records);
  }

  private Record record(RowRef ref) {
    Held h = rows.get(ref);
    if (h != null) {
      return new Record(ref, h.version, h.value, h.queries.size());
    }
    Long v = tombstones.get(ref);
    return new Record(ref, v == null ? horizon : v, null, 0);
  }

  /**
   * What a client at {@code version} lacks (after a {@link #commit}): a put of every live row stamped after it and
   * a delete of every tombstone after it. Only complete for a version at or above the {@link #horizon()}.
   */
  public List<RowPatch> since(long version) {
    List<RowPatch> out = new ArrayList<>();
    rows.forEach((ref, h) -> {
      if (h.version > version) {
        out.add(new RowPatch(ref.table(), ref.key(), h.value));
      }
    });
    tombstones.forEach((ref, v) -> {
      if (v > version) {
        out.add(new RowPatch(ref.table(), ref.key(), null));
      }
    });
    return out;
  }

  /**
   * Restores a record after a restart ({@link #load}ed rows are stamped when committed): {@code ref}, held now,
   * keeps {@code version} (its value is unchanged since then), or, not held, becomes a tombstone at
   * {@code version}. Neither is a change to poke.
   */
  public void restore(RowRef ref, long version) {
    Held h = rows.get(ref);
    if (h != null) {
      h.version = version;
      pending.remove(ref);
    } else if (!pending.containsKey(ref)) {
      tombstones.put(ref, version);
    }
  }

  /** Marks {@code ref} as changed for the next commit: a put of its value, or a delete if the group lacks it. */
  public void touch(RowRef ref) {
    Held h = rows.get(ref);
    pending.put(ref, new RowPatch(ref.table(), ref.key(), h == null ? null : h.value));
  }

  /** Marks every row of {@code table} the group holds as changed (its projection to the client changed). */
  public void touchTable(String table) {
    for (RowRef ref : rows.keySet()) {
      if (ref.table().equals(table)) {
        touch(ref);
      }
    }
  }

  /** The value of {@code ref}, or null when the group does not hold it. */
  public Row value(RowRef ref) {
    Held h = rows.get(ref);
    return h == null ? null : h.value;
  }

  /**
   * Once there are more than {@code max} tombstones (by a quarter), drops the oldest down to {@code max}; returns
   * the refs dropped. The {@link #horizon()}
   * becomes the newest version dropped.
   */
  public List<RowRef> pruneTombstones(int max) {
    // A quarter over the limit before pruning, so that the sort is paid once per max/4 deletes, not per commit.
    if (tombstones.size() <= max + max / 4) {
      return List.of();
    }
    List<Map.Entry<RowRef, Long>> byAge = new ArrayList<>(tombstones.entrySet());
    byAge.sort(Map.Entry.comparingByValue());
    List<RowRef> dropped = new ArrayList<>();
    for (Map.Entry<RowRef, Long> e : byAge.subList(0, tombstones.size() - max)) {
      dropped.add(e.getKey());
      horizon = Math.max(horizon, e.getValue());
    }
    dropped.forEach(tombstones::remove);
    return dropped;
  }

  /** A version below this may lack deletes that were pruned: a client there needs a reset. */
  public long horizon() {
    return horizon;
  }

  /** Sets the horizon (restored after a restart). */
  public void horizon(long horizon) {
    this.horizon = Math.max(this.horizon, horizon);
  }

  /** How many tombstones the group keeps. */
  public int tombstones() {
    return tombstones.size();
  }

  /** Every row the group holds now, for a reset poke (the client clears everything first). */
  public List<RowPatch> all() {
    List<RowPatch> out = new ArrayList<>();
    rows.forEach((ref, h) -> out.add(new RowPatch(ref.table(), ref.key(), h.value)));
    return out;
  }

  /** How many distinct rows the group holds. */
  public int size() {
    return rows.size();
  }

  /** How many of the group's queries hold {@code ref} (0 when the group does not hold it). */
  public int holders(RowRef ref) {
    Held h = rows.get(ref);
    return h == null ? 0 : h.queries.size();
  }
}
