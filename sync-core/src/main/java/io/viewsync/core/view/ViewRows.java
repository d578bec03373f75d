package io.viewsync.core.view;

import io.viewsync.core.ivm.Change;
import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.Node;
import io.viewsync.core.ivm.Output;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.ivm.Schema;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.Related;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rows of one query: every row of its result tree (the top rows and, under each, the rows of its related
 * subqueries, to any depth), each counted as often as it appears (a user related to many issues appears once per
 * issue), kept current by the pipeline's pushes. This is the query's membership; {@link #drain} turns what changed
 * since the last drain into {@link RowPatch}es (a put when a row enters or changes, a delete when its count drops
 * to zero), ready for the client protocol. Hidden relationships (exists) are not walked: only the query's related
 * names are.
 *
 * <p>Single-threaded: driven by the pipeline's thread.
 */
public final class ViewRows implements Output {
  /**
   * A row's occurrences, by version: while a change is pushed through a pipeline that reads a table twice, one
   * occurrence may already show the new row while another (a connection the source has not pushed to yet) still
   * adds or removes the old one; once the change is through, one version is left.
   */
  private static final class Entry {
    final Map<Row, Integer> versions = new LinkedHashMap<>(2);
    Row row; // the version most recently added, the one reported

    void add(Row version) {
      versions.merge(version, 1, Integer::sum);
      row = version;
    }

    void remove(Row version) {
      Integer n = versions.get(version);
      if (n == null) {
        throw new IllegalStateException("remove of a version the query does not have: " + version);
      }
      if (n == 1) {
        versions.remove(version);
        if (version.equals(row) && !versions.isEmpty()) {
          row = versions.keySet().iterator().next();
        }
      } else {
        versions.put(version, n - 1);
      }
    }

    boolean isEmpty() {
      return versions.isEmpty();
    }
  }

  private final Query query;
  private final Schema schema;
  private final Map<RowRef, Entry> rows = new HashMap<>();
  private final Map<RowRef, Row> before = new LinkedHashMap<>(); // first touch since the last drain -> row then

  /** Connects to {@code pipeline}'s output and reads its whole result (hydration). */
  public ViewRows(Pipeline pipeline) {
    this.query = pipeline.query();
    this.schema = pipeline.input().schema();
    pipeline.input().setOutput(this);
    pipeline.input().fetch(FetchRequest.ALL).forEach(n -> add(n, query, schema));
  }

  /** How many distinct rows the query has now. */
  public int size() {
    return rows.size();
  }

  /** The query's rows now, by reference. */
  public Map<RowRef, Row> rows() {
    Map<RowRef, Row> out = new HashMap<>();
    rows.forEach((ref, e) -> out.put(ref, e.row));
    return out;
  }

  /** The rows as of the last drain: what the subscribers hold, whatever was pushed since. */
  public Map<RowRef, Row> drained() {
    Map<RowRef, Row> out = rows();
    before.forEach((ref, was) -> {
      if (was == null) {
        out.remove(ref);
      } else {
        out.put(ref, was);
      }
    });
    return out;
  }

  /** What changed since the last drain (or since hydration: every row, as puts). */
  public List<RowPatch> drain() {
    List<RowPatch> out = new ArrayList<>();
    before.forEach((ref, was) -> {
      Entry now = rows.get(ref);
      if (now == null) {
        if (was != null) {
          out.add(new RowPatch(ref.table(), ref.key(), null));
        }
      } else if (!now.row.equals(was)) {
        out.add(new RowPatch(ref.table(), ref.key(), now.row));
      }
    });
    before.clear();
    return out;
  }

  /** The patches that turn {@code from} (an earlier {@link #rows()}) into {@code to}. */
  public static List<RowPatch> diff(Map<RowRef, Row> from, Map<RowRef, Row> to) {
    List<RowPatch> out = new ArrayList<>();
    from.forEach((ref, row) -> {
      if (!to.containsKey(ref)) {
        out.add(new RowPatch(ref.table(), ref.key(), null));
      }
    });
    to.forEach((ref, row) -> {
      if (!row.equals(from.get(ref))) {
        out.add(new RowPatch(ref.table(), ref.key(), row));
      }
    });
    return out;
  }

  @Override
  public void push(Change change) {
    apply(change, query, schema);
  }

  private void apply(Change change, Query q, Schema s) {
    if (change instanceof Change.Add add) {
      add(add.node(), q, s);
    } else if (change instanceof Change.Remove remove) {
      remove(remove.node(), q, s);
    } else if (change instanceof Change.Edit edit) {
      RowRef ref = ref(q, s, edit.newRow());
      Entry e = rows.get(ref);
      if (e == null) {
        throw new IllegalStateException("edit of a row the query does not have: " + edit);
      }
      touch(ref, e);
      e.remove(edit.oldRow());
      e.add(edit.newRow());
    } else if (change instanceof Change.Child child) {
      Related r = related(q, child.relationship());
      if (r != null) {
        apply(child.change(), r.query(), s.relationships().get(r.name()));
      }
    } else {
      throw new IllegalStateException("unknown change " + change);
    }
  }

  private void add(Node node, Query q, Schema s) {
    RowRef ref = ref(q, s, node.row());
    Entry e = rows.get(ref);
    touch(ref, e);
    if (e == null) {
      e = new Entry();
      rows.put(ref, e);
    }
    e.add(node.row());
    for (Related r : q.related()) {
      node.children(r.name()).forEach(c -> add(c, r.query(), s.relationships().get(r.name())));
    }
  }

  private void remove(Node node, Query q, Schema s) {
    RowRef ref = ref(q, s, node.row());
    Entry e = rows.get(ref);
    if (e == null) {
      throw new IllegalStateException("remove of a row the query does not have: " + node.row());
    }
    touch(ref, e);
    e.remove(node.row());
    if (e.isEmpty()) {
      rows.remove(ref);
    }
    for (Related r : q.related()) {
      node.children(r.name()).forEach(c -> remove(c, r.query(), s.relationships().get(r.name())));
    }
  }

  private void touch(RowRef ref, Entry e) {
    if (!before.containsKey(ref)) {
      before.put(ref, e == null ? null : e.row);
    }
  }

  private static RowRef ref(Query q, Schema s, Row row) {
    return new RowRef(q.table(), row.select(s.key()));
  }

  private static Related related(Query q, String name) {
    for (Related r : q.related()) {
      if (Objects.equals(r.name(), name)) {
        return r;
      }
    }
    return null;
  }
}
