package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryError;
import io.viewsync.core.query.QueryHash;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.query.QueryValidator;
import io.viewsync.core.query.Result;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.view.Pipeline;
import io.viewsync.core.view.PipelineBuilder;
import io.viewsync.core.view.RowPatch;
import io.viewsync.core.view.RowRef;
import io.viewsync.core.view.ViewRows;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incremental views of the subscribed queries over the replica (DESIGN §3, §7): one shared pipeline per
 * normalized query ({@link QueryHash}), however many subscriptions it has, advanced together from the replica's
 * version A to its latest version B by pushing exactly the change-log entries in (A, B] ({@link Snapshotter}),
 * each seen against the state it applies to: the sources read B with the not-yet-pushed changes undone
 * ({@link ReplicaSource#stage}). The result of an advance is, per query, the {@link RowPatch}es of its rows
 * (membership) and any change of its status.
 *
 * <p>Resets: a table that was replaced (resync, key change, truncate), whose spec changed, or that has more than
 * {@code maxIncrementalChanges} changes in one advance is not pushed; every query that reads it is torn down and
 * hydrated again at B (re-validated against B's schema: a query that no longer fits becomes unavailable with the
 * reasons, one that fits again comes back), and its patches are the diff against the rows it had. Queries that
 * do not read the table are not disturbed.
 *
 * <p>Indexes: a query's source accesses ({@link PipelineBuilder#accesses}) get SQLite indexes on demand
 * ({@link QueryIndexes}) before it is hydrated; a query whose index had to be created now is hydrated at the next
 * advance, whose snapshot sees the index ({@link Advance#pending()} says one is due).
 *
 * <p>Not thread-safe: one view-sync thread owns it (never a Netty event loop).
 */
public final class Views implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Views.class);

  /** A query's state: available (with its rows), or unavailable with the reasons. */
  public record Status(boolean available, List<QueryError> errors) {
    public static final Status AVAILABLE = new Status(true, List.of());

    public Status {
      errors = List.copyOf(errors);
    }
  }

  /** What one query got from an advance: its row patches, and its new status when that changed (else null). */
  public record Update(List<RowPatch> patches, Status status) {}

  /**
   * The outcome of {@link #advance}: the version the views now stand at, the updates of the queries that changed,
   * and whether a hydration is still pending (call advance again soon, even if the replica did not move).
   */
  public record Advance(Lsn version, Map<QueryHash, Update> updates, boolean pending) {}

  private static final class View {
    final Query query; // as subscribed; re-validated on resets
    int subscriptions;
    Pipeline pipeline;
    ViewRows rows;
    Map<RowRef, Row> lastRows = Map.of(); // what the subscribers have, while the pipeline is down
    Status status;
    boolean hydrate = true;
    long failedAt; // System.nanoTime() of the last failed build

    View(Query query) {
      this.query = query;
    }
  }

  /**
   * The default most changes to one table that one advance pushes; more reset the table's views instead. The
   * staged overlay costs each fetch a pass over the changes still staged, so pushing far more gets quadratic, while
   * a reset costs a hydration.
   */
  public static final int DEFAULT_MAX_INCREMENTAL_CHANGES = 1_000;

  /** How long a view whose build failed (kind INTERNAL) waits before it is tried again without a reset. */
  private static final long RETRY_FAILED_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

  private final QueryLimits limits;
  private final int maxIncrementalChanges;
  private final Snapshotter snapshotter;
  private final QueryIndexes indexes;
  private final Map<QueryHash, View> views = new LinkedHashMap<>();
  private final Map<String, ReplicaSource> sources = new HashMap<>();
  private boolean indexCreated; // since the current snapshot was taken, which therefore does not see it
  private long closedSourceSelects;

  public Views(ReplicaStore store, QueryLimits limits, int maxIncrementalChanges) {
    this.limits = limits;
    this.maxIncrementalChanges = maxIncrementalChanges;
    this.snapshotter = new Snapshotter(store);
    this.indexes = new QueryIndexes(store);
  }

  /**
   * Subscribes to {@code query}, validated against the replica's schema: the hash that identifies its view, or
   * the errors. The view is hydrated by the next {@link #advance}; a second subscription to a query that means the
   * same shares the view.
   */
  public Result<QueryHash> subscribe(Query query) throws SQLException {
    Map<String, TableSpec> schema = snapshotter.current().tables();
    Result<Query> valid = new QueryValidator(schema, limits).validate(query);
    if (!valid.isOk()) {
      return new Result.Failed<>(valid.errors());
    }
    Query normalized = new Normalizer(schema).normalize(query);
    QueryHash hash = QueryHash.of(normalized);
    View v = views.computeIfAbsent(hash, h -> new View(query));
    if (v.subscriptions++ == 0) {
      ensureIndexes(normalized, schema);
    }
    return new Result.Ok<>(hash);
  }

  /** Drops one subscription; the view goes with its last. Returns false for an unknown hash. */
  public boolean unsubscribe(QueryHash hash) {
    View v = views.get(hash);
    if (v == null) {
      return false;
    }
    if (--v.subscriptions == 0) {
      if (v.pipeline != null) {
        v.pipeline.close();
      }
      views.remove(hash);
    }
    return true;
  }

  /**
   * SELECTs the views' sources have run on the replica so far (fetches, not the change log): a cost measure that
   * does not depend on the machine's speed, for tests and benchmarks.
   */
  public long selects() {
    long n = closedSourceSelects;
    for (ReplicaSource s : sources.values()) {
      n += s.statementsExecuted();
    }
    return n;
  }

  /** The number of pipelines (views), however many subscriptions share them. */
  public int pipelines() {
    return views.size();
  }

  /** The rows of a query's view now (empty while it is unavailable or not hydrated yet). */
  public Map<RowRef, Row> rows(QueryHash hash) {
    View v = views.get(hash);
    if (v == null) {
      throw new IllegalArgumentException("no view " + hash);
    }
    return v.rows != null ? v.rows.rows() : Collections.unmodifiableMap(v.lastRows);
  }

  /** The status of a query's view, or null before its first hydration. */
  public Status status(QueryHash hash) {
    View v = views.get(hash);
    return v == null ? null : v.status;
  }

  /** The pipeline of a query, for tests (its fetch is the view's ordered result); null while it is down. */
  public Pipeline pipeline(QueryHash hash) {
    View v = views.get(hash);
    return v == null ? null : v.pipeline;
  }

  /** The snapshot the views stand at. */
  public Snapshotter.Snapshot snapshot() throws SQLException {
    return snapshotter.current();
  }

  /**
   * Moves every view to the replica's latest version; see the class comment. If anything fails once the new
   * snapshot is taken (a bug), no view is left half advanced: every view is torn down and hydrated again from
   * what its subscribers hold, at the next call ({@link Advance#pending()}).
   */
  public Advance advance() throws SQLException {
    List<Snapshotter.Entry> entries = snapshotter.advance(indexCreated);
    indexCreated = false;
    Snapshotter.Snapshot now = snapshotter.current();
    Map<QueryHash, Update> updates = new LinkedHashMap<>();
    try {
      boolean pending = advanceTo(now, entries, updates);
      return new Advance(now.version(), updates, pending);
    } catch (RuntimeException e) {
      log.error("advancing the views to {} failed; every view is built again", now.version(), e);
      for (Map.Entry<QueryHash, View> v : views.entrySet()) {
        if (v.getValue().pipeline != null && !updates.containsKey(v.getKey())) {
          tearDown(v.getValue());
        } else if (v.getValue().pipeline == null) {
          v.getValue().hydrate = true;
        }
      }
      for (ReplicaSource gone : sources.values()) {
        closedSourceSelects += gone.statementsExecuted();
        gone.close();
      }
      sources.clear();
      return new Advance(now.version(), updates, true);
    }
  }

  private boolean advanceTo(Snapshotter.Snapshot now, List<Snapshotter.Entry> entries,
      Map<QueryHash, Update> updates) throws SQLException {
    Set<String> reset = new LinkedHashSet<>();
    Map<String, List<Snapshotter.RowChange>> byTable = new LinkedHashMap<>();
    for (Snapshotter.Entry e : entries) {
      if (e instanceof Snapshotter.TableReset r) {
        reset.add(r.table());
      } else if (e instanceof Snapshotter.RowChange c) {
        byTable.computeIfAbsent(c.table(), t -> new ArrayList<>()).add(c);
      }
    }
    byTable.forEach((t, changes) -> {
      if (changes.size() > maxIncrementalChanges) {
        log.debug("{} changes to {} in one advance: its views are hydrated again", changes.size(), t);
        reset.add(t);
      }
    });
    long nowNanos = System.nanoTime();
    for (View v : views.values()) {
      if (v.pipeline != null && !Collections.disjoint(v.pipeline.tables(), reset)) {
        tearDown(v);
      } else if (v.status != null && !v.status.available() && (!reset.isEmpty()
          || nowNanos - v.failedAt > RETRY_FAILED_NANOS && v.status.errors().stream()
              .anyMatch(err -> err.kind() == QueryError.Kind.INTERNAL))) {
        v.hydrate = true; // the schema changed, so it may fit again; or a failed build is due another try
      }
    }
    for (String t : reset) {
      ReplicaSource gone = sources.remove(t);
      if (gone != null) {
        closedSourceSelects += gone.statementsExecuted();
        gone.close();
      }
    }
    push(entries, byTable, reset);
    for (Map.Entry<QueryHash, View> e : views.entrySet()) {
      View v = e.getValue();
      if (v.pipeline != null && v.pipeline.failure() != null) {
        log.error("the view of query {} failed while advancing to {}; building it again", e.getKey(),
            now.version(), v.pipeline.failure());
        tearDown(v);
      }
    }
    boolean pending = false;
    for (Map.Entry<QueryHash, View> e : views.entrySet()) {
      View v = e.getValue();
      Status before = v.status;
      List<RowPatch> patches;
      if (v.hydrate) {
        if (!hydrate(v, now.tables())) {
          pending = true;
          continue;
        }
        patches = ViewRows.diff(v.lastRows, v.rows != null ? v.rows.rows() : Map.of());
        v.lastRows = Map.of();
        if (v.rows != null) {
          v.rows.drain();
        }
      } else {
        patches = v.rows != null ? v.rows.drain() : List.of();
      }
      Status changed = v.status.equals(before) ? null : v.status;
      if (!patches.isEmpty() || changed != null) {
        updates.put(e.getKey(), new Update(patches, changed));
      }
    }
    return pending;
  }

  private void push(List<Snapshotter.Entry> entries, Map<String, List<Snapshotter.RowChange>> byTable,
      Set<String> reset) {
    byTable.forEach((t, changes) -> {
      ReplicaSource s = sources.get(t);
      if (s != null && !reset.contains(t)) {
        s.stage(changes.stream().filter(Views::changes)
            .map(c -> new StagedChange(row(c.before()), row(c.after()))).toList());
      }
    });
    for (Snapshotter.Entry e : entries) {
      if (e instanceof Snapshotter.RowChange c && !reset.contains(c.table()) && changes(c)) {
        ReplicaSource s = sources.get(c.table());
        if (s != null) {
          s.push(row(c.before()), row(c.after()));
        }
      }
    }
  }

  /** False for a row changed and changed back within the advance: nothing to push. */
  private static boolean changes(Snapshotter.RowChange c) {
    return c.before() == null || c.after() == null || !row(c.before()).equals(row(c.after()));
  }

  private static Row row(Map<String, Object> values) {
    return values == null ? null : Row.of(values);
  }

  private void tearDown(View v) {
    v.lastRows = v.rows.drained();
    v.pipeline.close();
    v.pipeline = null;
    v.rows = null;
    v.hydrate = true;
  }

  /** Builds and hydrates {@code v} at the current snapshot; false if it must wait for an index. */
  private boolean hydrate(View v, Map<String, TableSpec> schema) throws SQLException {
    Result<Query> valid = new QueryValidator(schema, limits).validate(v.query);
    if (!valid.isOk()) {
      v.status = new Status(false, valid.errors());
      v.hydrate = false;
      return true;
    }
    Query normalized = new Normalizer(schema).normalize(v.query);
    if (ensureIndexes(normalized, schema)) {
      return false;
    }
    v.hydrate = false;
    try {
      v.pipeline = new PipelineBuilder(this::source).build(normalized);
      v.rows = new ViewRows(v.pipeline);
      v.status = Status.AVAILABLE;
    } catch (RuntimeException e) {
      log.error("the view of query {} could not be built; it is unavailable until the next reset or a minute from now",
          QueryHash.of(normalized), e);
      if (v.pipeline != null) {
        v.pipeline.close();
      }
      v.pipeline = null;
      v.rows = null;
      v.failedAt = System.nanoTime();
      v.status = new Status(false, List.of(new QueryError(QueryError.Kind.INTERNAL, "",
          "the server failed to build this query's view: " + e)));
    }
    return true;
  }

  private ReplicaSource source(String table) {
    return sources.computeIfAbsent(table, t -> {
      try {
        TableSpec spec = snapshotter.current().tables().get(t);
        if (spec == null) {
          throw new IllegalStateException("no table " + t + " in the snapshot");
        }
        return new ReplicaSource(spec, () -> {
          try {
            return snapshotter.current().connection();
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Creates the indexes {@code normalized} reads through; true if one had to be created. */
  private boolean ensureIndexes(Query normalized, Map<String, TableSpec> schema) throws SQLException {
    boolean created = false;
    for (PipelineBuilder.Access a : PipelineBuilder.accesses(normalized)) {
      TableSpec spec = schema.get(a.table());
      if (a.constrained().containsAll(spec.keyColumns())) {
        continue; // the key index finds the one row
      }
      try {
        created |= indexes.ensure(a.table(), a.constrained(), a.ordering()).isPresent();
        indexCreated |= created;
      } catch (SQLException e) {
        // A view without its index is slow, not wrong; one that never hydrates helps nobody.
        log.warn("no index for reading {} in order {} by {}: {}", a.table(), a.ordering(), a.constrained(),
            e.getMessage());
      }
    }
    return created;
  }

  @Override
  public void close() throws SQLException {
    for (View v : views.values()) {
      if (v.pipeline != null) {
        v.pipeline.close();
      }
    }
    views.clear();
    sources.values().forEach(ReplicaSource::close);
    sources.clear();
    indexes.close();
    snapshotter.close();
  }
}
