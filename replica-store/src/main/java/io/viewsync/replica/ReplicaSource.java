package io.viewsync.replica;

import io.viewsync.core.ivm.Change;
import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.Node;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.ivm.Output;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.ivm.Schema;
import io.viewsync.core.ivm.Source;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A replica table as a {@link Source}: each connection fetches with ordered, constrained SQL at the current read
 * snapshot ({@link Snapshotter.Snapshot#connection()}, supplied afresh on every read, so it follows advances), in
 * lazily read chunks that hold no cursor open ({@link ChunkedFetch}); each read is an equality prefix plus one range
 * ({@link FetchSql}), which an index from {@link QueryIndexes} serves without scanning or sorting.
 *
 * <p>Advancing. The driver takes a new snapshot B, {@link #stage}s this table's changes in (A, B] and then
 * {@link #push}es them one by one, in order. Until a staged change is pushed, fetches show the table as it was
 * before it (the snapshot's row of its key hidden, the row before the change put back), so each change is seen
 * against the state it applies to. While a change is pushed to connection i, fetches through connections 0..i see
 * it and later connections do not yet (Zero's overlay rule, as {@link io.viewsync.core.ivm.MemorySource} does). A
 * push without staging is a change the snapshot already shows; the overlay then concerns only that change. Overlay
 * cost per fetch is linear in the staged changes not yet pushed (the driver bounds them); hiding is a hash lookup.
 *
 * <p>Values are compared as SQLite compares them: constraint and start values must be of a class the column holds
 * as is (any value read from the table is; a number bound against a TEXT column, or numeric-looking text against an
 * INTEGER or REAL one, is converted by SQLite's column affinity first and may not agree with
 * {@link io.viewsync.core.ivm.Values#compare}).
 *
 * <p>Single-threaded: the pipeline's thread, which also owns the snapshot connection. {@link #close} closes the
 * cached statements, not the snapshot.
 */
public final class ReplicaSource implements Source, AutoCloseable {
  private final String table;
  private final List<String> columns;
  private final List<String> key;
  private final FetchSql sql;
  private final SnapshotQueries queries;
  private final List<SourceConnection> connections = new ArrayList<>();
  private Staging staging = Staging.EMPTY;
  private int pushed;
  private int pushingTo = -1;

  /** {@code snapshot} returns the connection of the current read snapshot, each time it is asked. */
  public ReplicaSource(TableSpec spec, Supplier<Connection> snapshot) {
    if (!spec.syncable()) {
      throw new IllegalArgumentException("table " + spec.name() + " is not synced: " + spec.unsyncableReason());
    }
    this.table = spec.name().replicaName();
    this.columns = spec.columns().stream().map(ColumnSpec::name).toList();
    this.key = spec.keyColumns();
    this.sql = new FetchSql(table, columns, spec.columns().stream().filter(ColumnSpec::notNull).map(ColumnSpec::name)
        .collect(Collectors.toSet()));
    this.queries = new SnapshotQueries(table, columns, snapshot);
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
    List<String> ordered = ordering.parts().stream().map(Ordering.Part::column).toList();
    if (!columns.containsAll(ordered) || !ordered.containsAll(key)) {
      throw new IllegalArgumentException("ordering " + ordering + " must be over columns of " + table
          + " and include the key " + key);
    }
    SourceConnection c = new SourceConnection(new Schema(table, columns, key, ordering, Map.of()));
    connections.add(c);
    return c;
  }

  /**
   * Stages the changes the snapshot shows but the connections have not been pushed yet, in the order they will be
   * pushed. Every change staged before must have been pushed.
   */
  public void stage(List<StagedChange> changes) {
    if (pushingTo >= 0 || pushed < staging.size()) {
      throw new IllegalStateException((staging.size() - pushed) + " staged changes of " + table
          + " are not pushed yet");
    }
    for (StagedChange c : changes) {
      check(c);
    }
    staging = new Staging(changes, key);
    pushed = 0;
  }

  /** How many staged changes are not pushed yet. */
  public int staged() {
    return staging.size() - pushed;
  }

  /**
   * Pushes a change to every connection, in the order they were made: an Add when {@code before} is null, a Remove
   * when {@code after} is null, else an Edit. It must be the next staged change, if any is staged; else it is one
   * the snapshot already shows.
   */
  public void push(Row before, Row after) {
    if (pushingTo >= 0) {
      throw new IllegalStateException("a push during a push to " + table);
    }
    StagedChange change = new StagedChange(before, after);
    if (pushed < staging.size()) {
      if (!staging.get(pushed).equals(change)) {
        throw new IllegalStateException("the next staged change of " + table + " is " + staging.get(pushed)
            + ", not " + change);
      }
    } else {
      check(change);
      staging = new Staging(List.of(change), key);
      pushed = 0;
    }
    Change pushing = before == null ? new Change.Add(Node.of(after))
        : after == null ? new Change.Remove(Node.of(before)) : new Change.Edit(before, after);
    try {
      // A copy: a push may close a connection (a pipeline torn down) or open one.
      for (SourceConnection c : List.copyOf(connections)) {
        pushingTo = connections.indexOf(c);
        if (pushingTo >= 0) {
          c.output.push(pushing);
        }
      }
    } finally {
      pushingTo = -1;
      pushed++;
    }
  }

  /** SELECTs run so far (tests check that fetch cost does not grow with the table). */
  long statementsExecuted() {
    return queries.executed();
  }

  @Override
  public void close() {
    queries.close();
  }

  private void check(StagedChange c) {
    for (Row r : new Row[] {c.before(), c.after()}) {
      if (r != null && !r.columns().equals(new HashSet<>(columns))) {
        throw new IllegalArgumentException("columns of " + r + " are not those of " + table + ": " + columns);
      }
    }
  }

  /** The staged changes a fetch through connection {@code index} sees now (the overlay rule). */
  private int seenBy(int index) {
    return pushed + (pushingTo >= 0 && index <= pushingTo ? 1 : 0);
  }

  private final class SourceConnection implements SourceInput {
    private final Schema schema;
    private Output output = Output.NONE;

    SourceConnection(Schema schema) {
      this.schema = schema;
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public void setOutput(Output output) {
      this.output = output;
    }

    @Override
    public void close() {
      connections.remove(this);
    }

    @Override
    public Stream<Node> fetch(FetchRequest request) {
      if (!columns.containsAll(request.constraint().columns())) {
        throw new IllegalArgumentException("constraint " + request.constraint() + " is not over columns of " + table);
      }
      Ordering ordering = schema.ordering();
      Staging overlay = staging;
      int seen = seenBy(connections.indexOf(this));
      Predicate<Row> hidden = null;
      List<Row> putBack = List.of();
      if (seen < overlay.size()) {
        hidden = r -> overlay.hides(r.select(key), seen);
        putBack = new ArrayList<>();
        for (Row r : overlay.putBack(seen)) {
          if (r.matches(request.constraint()) && request.fromStart(r, ordering)) {
            putBack.add(r);
          }
        }
        putBack.sort(request.reverse() ? ordering.reversed() : ordering);
      }
      FetchRequest.Start start = request.start();
      ChunkedFetch rows = new ChunkedFetch(queries, sql, request.constraint(), ordering, request.reverse(),
          start == null ? null : start.row(), start == null ? null : start.basis(), hidden, putBack);
      return StreamSupport.stream(rows, false).map(Node::of);
    }
  }
}
