package io.viewsync.core.protocol;

import io.viewsync.core.ivm.Row;
import io.viewsync.core.view.RowPatch;
import io.viewsync.core.view.RowRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * <p>Rows are kept as storage values with every server column; projecting them to the client's declared columns
 * and encoding them ({@link ClientView}, {@link WireValues}) is the poke writer's job.
 *
 * <p>Not thread-safe: the view-sync thread owns a client group.
 */
public final class GroupRows {
  private static final class Held {
    final Set<String> queries = new HashSet<>(2);
    Row value;
  }

  private final Map<RowRef, Held> rows = new HashMap<>();
  private final Map<String, Set<RowRef>> byQuery = new HashMap<>();
  private final Map<RowRef, RowPatch> pending = new LinkedHashMap<>();

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

  /** A query leaves the group (unsubscribed, or now unavailable): the rows only it held are deleted. */
  public void drop(String queryID) {
    Set<RowRef> held = byQuery.remove(queryID);
    if (held == null) {
      return;
    }
    for (RowRef ref : held) {
      Held h = rows.get(ref);
      h.queries.remove(queryID);
      if (h.queries.isEmpty()) {
        rows.remove(ref);
        pending.put(ref, new RowPatch(ref.table(), ref.key(), null));
      }
    }
  }

  private void hold(String queryID, RowRef ref, Row value) {
    Held h = rows.computeIfAbsent(ref, r -> new Held());
    h.queries.add(queryID);
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
