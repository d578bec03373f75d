package io.viewsync.core.ivm;

import io.viewsync.core.ivm.FetchRequest.Basis;
import io.viewsync.core.ivm.FetchRequest.Start;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Keeps the first {@code limit} rows of its input in order, or of each partition (rows with equal values in the
 * partition columns — a limit inside a {@code related} join, partitioned by the child's join columns).
 *
 * <p>State per partition, built by the first fetch that reaches it: the window's size and its bound (its last
 * row). A window holds exactly the input's rows up to the bound. Only a fetch that fixes the partition (its
 * constraint has the partition columns: a join reading one parent's children) builds a window. A fetch that does
 * not (a join above looking up the parents of a changed grandchild, say by {@code author_id} under a limit per
 * {@code issue_id}) answers from the windows already built, as Zero's Take does: a row of a partition nobody
 * fetched is in nobody's view, so it is no parent to tell, and building windows for every partition such a
 * lookup meets would make a change cost a query per partition. Pushes for a partition without a window are
 * dropped for the same reason; a later fetch builds the window from the input as it then is. Every change costs a
 * bounded number of input fetches (the row after or before the bound), never a scan.
 *
 * <p>When one change becomes two pushes (the bound leaves as a row enters; a row moves to another partition),
 * the state is updated first and the entering row is hidden from fetch (and from windows built meanwhile) during
 * the first push, so each push is consistent with a fetch.
 *
 * <p>Single-threaded: one pipeline is driven by one thread at a time.
 */
public final class Take implements Operator {
  private static final class Window {
    int size;
    Row bound;
  }

  private final Input input;
  private final int limit;
  private final List<String> partitionColumns;
  private final Ordering ordering;
  /**
   * Up to this many windows, a fetch across partitions asks each window (a few small reads); beyond, it reads the
   * input's rows for the constraint and keeps those inside a window. Not final only so that tests can run both
   * paths (TakeModes); nothing else changes it.
   */
  static int askEachWindow = 32;

  private final Map<Row, Window> windows = new HashMap<>();
  private Output output = Output.NONE;
  private Row hidden;

  /** A limit over the whole input. */
  public Take(Input input, int limit) {
    this(input, limit, List.of());
  }

  public Take(Input input, int limit, List<String> partitionColumns) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit " + limit + " < 0");
    }
    this.input = input;
    this.limit = limit;
    this.partitionColumns = List.copyOf(partitionColumns);
    this.ordering = input.schema().ordering();
    input.setOutput(this);
  }

  @Override
  public Schema schema() {
    return input.schema();
  }

  @Override
  public void setOutput(Output output) {
    this.output = output;
  }

  /** How many partition windows are kept (tests: state follows the view). */
  int windowCount() {
    return windows.size();
  }

  /** Drops the window of the partition {@code constraint} fixes, if it fixes one (see {@link Input#release}). */
  @Override
  public void release(Row constraint) {
    if (!partitionColumns.isEmpty() && constraint.columns().containsAll(partitionColumns)) {
      windows.remove(canonical(constraint.select(partitionColumns)));
    }
    input.release(constraint);
  }

  @Override
  public Stream<Node> fetch(FetchRequest request) {
    if (limit == 0) {
      return Stream.empty();
    }
    Stream<Node> rows = input.fetch(request);
    if (request.constraint().columns().containsAll(partitionColumns)) {
      // One partition: stop at its bound instead of testing every row.
      Row bound = window(canonical(request.constraint().select(partitionColumns))).bound;
      if (bound == null) {
        return Stream.empty();
      }
      rows = request.reverse() ? rows.dropWhile(n -> ordering.compare(n.row(), bound) > 0)
          : rows.takeWhile(n -> ordering.compare(n.row(), bound) <= 0);
    } else if (windows.size() <= askEachWindow) {
      rows = acrossFewWindows(request);
    } else {
      rows = rows.filter(n -> inWindow(n.row()));
    }
    Row hide = hidden;
    return hide == null ? rows : rows.filter(n -> ordering.compare(n.row(), hide) != 0);
  }

  /**
   * A fetch across partitions when there are few windows: each window read by its partition up to its bound, its
   * rows tested against the request's constraint, then all merged in order. Its cost follows the windows (the
   * view), not the rows matching the constraint in the whole input (a user's comments).
   */
  private Stream<Node> acrossFewWindows(FetchRequest request) {
    List<Node> out = new ArrayList<>();
    for (Map.Entry<Row, Window> e : windows.entrySet()) {
      Row bound = e.getValue().bound;
      if (bound == null) {
        continue;
      }
      // By the partition alone, so the read is the window's own (at most its size and one more row, through the
      // index a fetch of the partition uses); the request's constraint is tested here. With the constraint in the
      // SQL too, SQLite may well choose the constraint's index and read all its rows once per window.
      Stream<Node> rows = input.fetch(new FetchRequest(e.getKey(), request.start(), request.reverse()));
      rows = request.reverse() ? rows.dropWhile(n -> ordering.compare(n.row(), bound) > 0)
          : rows.takeWhile(n -> ordering.compare(n.row(), bound) <= 0);
      rows.filter(n -> n.row().matches(request.constraint())).forEach(out::add);
    }
    Comparator<Row> order = request.reverse() ? ordering.reversed() : ordering;
    out.sort((a, b) -> order.compare(a.row(), b.row()));
    return out.stream();
  }

  /** Whether {@code row} is in its partition's window, if that window was built; no window is built here. */
  private boolean inWindow(Row row) {
    Window w = windows.get(partition(row));
    return w != null && w.bound != null && ordering.compare(row, w.bound) <= 0;
  }

  private Row partition(Row row) {
    return canonical(row.select(partitionColumns));
  }

  /**
   * The partition as a hash key: a correlation may pair an integer column with a real one, so a parent's
   * constraint may say 1 where the child rows say 1.0; both must find one window.
   */
  private static Row canonical(Row partition) {
    Map<String, Object> m = new HashMap<>();
    for (String c : partition.columns()) {
      m.put(c, Values.canonical(partition.get(c)));
    }
    return Row.of(m);
  }

  private Window window(Row partition) {
    Window w = windows.get(partition);
    if (w == null) {
      w = new Window();
      Row hide = hidden;
      for (Node n : input.fetch(FetchRequest.where(partition))
          .filter(n -> hide == null || ordering.compare(n.row(), hide) != 0).limit(limit).toList()) {
        w.size++;
        w.bound = n.row();
      }
      windows.put(partition, w);
    }
    return w;
  }

  @Override
  public void push(Change change) {
    if (limit == 0) {
      return;
    }
    if (change instanceof Change.Edit edit && !partition(edit.oldRow()).equals(partition(edit.newRow()))) {
      // A row moving between partitions leaves one window and may enter another.
      Node oldNode = Nodes.oldNode(input, edit);
      Window from = windows.get(partition(edit.oldRow()));
      if (from != null) {
        // The input already shows the row in its new partition; until its Add, fetch must not.
        Row previous = hidden;
        hidden = edit.newRow();
        try {
          remove(from, partition(edit.oldRow()), oldNode);
        } finally {
          hidden = previous;
        }
      }
      Window to = windows.get(partition(edit.newRow()));
      if (to != null) {
        add(to, partition(edit.newRow()), Nodes.lookup(input, edit.newRow()));
      }
      return;
    }
    Row p = partition(change.row());
    Window w = windows.get(p);
    if (w == null) {
      return;
    }
    if (change instanceof Change.Add add) {
      add(w, p, add.node());
    } else if (change instanceof Change.Remove remove) {
      remove(w, p, remove.node());
    } else if (change instanceof Change.Edit edit) {
      edit(w, p, edit);
    } else if (change instanceof Change.Child) {
      if (w.bound != null && ordering.compare(change.row(), w.bound) <= 0) {
        output.push(change);
      }
    } else {
      throw new IllegalStateException("unknown change " + change);
    }
  }

  private void add(Window w, Row p, Node node) {
    Row row = node.row();
    if (w.size < limit) {
      w.size++;
      if (w.bound == null || ordering.compare(row, w.bound) > 0) {
        w.bound = row;
      }
      output.push(new Change.Add(node));
    } else if (ordering.compare(row, w.bound) < 0) {
      enterEvictingBound(w, p, node);
    }
  }

  /** {@code entering} sorts before the bound of a full window: the bound leaves, the row before it is the new bound. */
  private void enterEvictingBound(Window w, Row p, Node entering) {
    List<Node> lastTwo = input.fetch(new FetchRequest(p, new Start(w.bound, Basis.AT), true)).limit(2).toList();
    Node leaving = lastTwo.get(0);
    w.bound = lastTwo.get(1).row(); // limit >= 1 and the entering row sorts before the old bound: it exists
    Row previous = hidden;
    hidden = entering.row();
    try {
      output.push(new Change.Remove(leaving));
    } finally {
      hidden = previous;
    }
    output.push(new Change.Add(entering));
  }

  private void remove(Window w, Row p, Node node) {
    Row row = node.row();
    if (w.bound == null || ordering.compare(row, w.bound) > 0) {
      return;
    }
    if (w.size == limit) {
      Node next = after(p, w.bound);
      if (next != null) {
        output.push(new Change.Remove(node)); // the bound stays: the window is the rows up to it, one fewer
        w.bound = next.row();
        output.push(new Change.Add(next));
        return;
      }
    }
    w.size--;
    if (ordering.compare(row, w.bound) == 0) {
      w.bound = lastUpTo(p, new Start(row, Basis.AFTER));
    }
    output.push(new Change.Remove(node));
  }

  private void edit(Window w, Row p, Change.Edit edit) {
    Row bound = w.bound;
    if (bound == null) {
      return;
    }
    if (ordering.compare(edit.oldRow(), bound) > 0) {
      // The old row was beyond a full window: the new one enters only if it sorts before the bound.
      if (ordering.compare(edit.newRow(), bound) < 0) {
        enterEvictingBound(w, p, Nodes.lookup(input, edit.newRow()));
      }
      return;
    }
    if (ordering.compare(edit.newRow(), bound) <= 0) {
      if (ordering.compare(edit.oldRow(), bound) == 0) {
        w.bound = lastUpTo(p, new Start(bound, Basis.AT));
      }
      output.push(edit);
      return;
    }
    // The row moves past the bound: the first row after the bound closes the window — the row itself or another.
    Node next = after(p, bound);
    if (ordering.compare(next.row(), edit.newRow()) == 0) {
      w.bound = edit.newRow();
      output.push(edit);
    } else {
      output.push(new Change.Remove(Nodes.oldNode(input, edit)));
      w.bound = next.row();
      output.push(new Change.Add(next));
    }
  }

  private Node after(Row p, Row bound) {
    return input.fetch(new FetchRequest(p, new Start(bound, Basis.AFTER), false)).findFirst().orElse(null);
  }

  private Row lastUpTo(Row p, Start start) {
    return input.fetch(new FetchRequest(p, start, true)).findFirst().map(Node::row).orElse(null);
  }
}
