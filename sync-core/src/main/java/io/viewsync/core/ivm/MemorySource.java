package io.viewsync.core.ivm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A table in memory, for tests and as the reference for what a source must do: each {@link #connect connection}
 * fetches in its own order, honouring constraint, start and reverse, and {@link #add}, {@link #remove} and
 * {@link #edit} update the table and then push the change to every connection in the order they were made.
 *
 * <p>Overlay (as in Zero's source): while the change is pushed to connection i, fetches through connections
 * 0..i see the table after the change and fetches through later connections see it before, so that a pipeline
 * reading the table through two connections (a self-join) observes the change once per connection, each time
 * consistently. Fetch sorts the whole table: fine for tests, which is all this is for.
 *
 * <p>Single-threaded: one pipeline is driven by one thread at a time.
 */
public final class MemorySource implements Source {
  private final String table;
  private final List<String> columns;
  private final List<String> key;
  private final Map<Row, Row> rows = new LinkedHashMap<>(); // key -> row
  private final List<Connection> connections = new ArrayList<>();
  private Change pending;
  private int pushingTo = -1;

  public MemorySource(String table, List<String> columns, List<String> key) {
    this.table = table;
    this.columns = List.copyOf(columns);
    this.key = List.copyOf(key);
  }

  @Override
  public String table() {
    return table;
  }

  @Override
  public List<String> columns() {
    return columns;
  }

  @Override
  public List<String> key() {
    return key;
  }

  @Override
  public SourceInput connect(Ordering ordering) {
    Connection c = new Connection(new Schema(table, columns, key, ordering, Map.of()));
    connections.add(c);
    return c;
  }

  public void add(Row row) {
    check(row);
    if (rows.putIfAbsent(row.select(key), row) != null) {
      throw new IllegalArgumentException("key exists: " + row);
    }
    fanOut(new Change.Add(Node.of(row)));
  }

  public void remove(Row row) {
    if (!row.equals(rows.get(row.select(key)))) {
      throw new IllegalArgumentException("no such row: " + row);
    }
    rows.remove(row.select(key));
    fanOut(new Change.Remove(Node.of(row)));
  }

  public void edit(Row oldRow, Row newRow) {
    check(newRow);
    if (!oldRow.select(key).equals(newRow.select(key))) {
      throw new IllegalArgumentException("an edit keeps the key: " + oldRow + " -> " + newRow);
    }
    if (!oldRow.equals(rows.get(oldRow.select(key)))) {
      throw new IllegalArgumentException("no such row: " + oldRow);
    }
    rows.put(newRow.select(key), newRow);
    fanOut(new Change.Edit(oldRow, newRow));
  }

  /** The current rows, unordered. */
  public List<Row> rows() {
    return List.copyOf(rows.values());
  }

  private void check(Row row) {
    if (!row.columns().equals(new java.util.HashSet<>(columns))) {
      throw new IllegalArgumentException("columns of " + row + " are not " + columns);
    }
  }

  private void fanOut(Change change) {
    pending = change;
    try {
      // A copy: a push may close a connection (a pipeline torn down) or open one.
      for (Connection c : List.copyOf(connections)) {
        pushingTo = connections.indexOf(c);
        if (pushingTo >= 0) {
          c.output.push(change);
        }
      }
    } finally {
      pending = null;
      pushingTo = -1;
    }
  }

  /** The table as connection {@code index} sees it now (see the overlay rule). */
  private List<Row> visibleTo(int index) {
    List<Row> visible = new ArrayList<>(rows.values());
    if (pending != null && index > pushingTo) {
      if (pending instanceof Change.Add add) {
        visible.remove(add.row());
      } else if (pending instanceof Change.Remove remove) {
        visible.add(remove.row());
      } else if (pending instanceof Change.Edit edit) {
        visible.remove(edit.newRow());
        visible.add(edit.oldRow());
      } else {
        throw new IllegalStateException("a source pushes no " + pending);
      }
    }
    return visible;
  }

  private final class Connection implements SourceInput {
    private final Schema schema;
    private Output output = Output.NONE;

    Connection(Schema schema) {
      this.schema = schema;
    }

    @Override
    public void close() {
      connections.remove(this);
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public Stream<Node> fetch(FetchRequest request) {
      Ordering ordering = schema.ordering();
      List<Row> result = new ArrayList<>();
      for (Row r : visibleTo(connections.indexOf(this))) {
        if (r.matches(request.constraint()) && request.fromStart(r, ordering)) {
          result.add(r);
        }
      }
      result.sort(request.reverse() ? ordering.reversed() : ordering);
      return result.stream().map(Node::of); // a snapshot: pushes during iteration do not disturb it
    }

    @Override
    public void setOutput(Output output) {
      this.output = output;
    }
  }
}
