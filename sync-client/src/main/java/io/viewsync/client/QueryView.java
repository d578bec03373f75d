package io.viewsync.client;

import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.Node;
import io.viewsync.core.ivm.Schema;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryError;
import io.viewsync.core.query.Related;
import io.viewsync.core.view.Pipeline;
import io.viewsync.core.view.PipelineBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscribed query over the {@link LocalStore}: its pipeline ({@link PipelineBuilder}, the server's operators)
 * connected to the store's sources, and its status as the server reports it. The pipeline's pushes only mark the
 * view dirty; {@link #refresh} reads the result afresh (a fetch) once a poke is applied, so the published result
 * is always whole, never the middle of a poke.
 *
 * <p>Why the local result equals the server's: the client holds every row of the query's server-side result (the
 * server sends them) plus, possibly, rows other queries of the group brought, all at the same version. Filtering,
 * ordering and windowing (limit, start, per-parent limits of related subqueries) a superset that contains the
 * answer gives the answer. {@code exists} is the exception (its rows are not sent), refused at subscribe. The
 * order is completed with the declared key; declare the key in the server's order (docs/client.md).
 *
 * <p>Not thread-safe: the client's thread only.
 */
final class QueryView {
  private static final Logger log = LoggerFactory.getLogger(QueryView.class);

  private final LiveQuery handle;
  private final Query normalized;
  private Pipeline pipeline;
  private boolean dirty;
  private QueryResult.Status status = QueryResult.Status.LOADING;
  private String reason;
  private List<QueryError> errors = List.of();

  QueryView(LiveQuery handle, Query normalized) {
    this.handle = handle;
    this.normalized = normalized;
  }

  LiveQuery handle() {
    return handle;
  }

  /** (Re)builds the pipeline over {@code store}'s sources (at subscribe, and when a reset replaces the store). */
  void connect(LocalStore store) {
    close();
    pipeline = new PipelineBuilder(store::source).build(normalized);
    pipeline.input().setOutput(change -> dirty = true);
    dirty = true;
  }

  /** The server's status for the query, from a poke or an error; takes effect at the next {@link #refresh}. */
  void status(QueryResult.Status status, String reason, List<QueryError> errors) {
    if (this.status != status || !java.util.Objects.equals(this.reason, reason) || !this.errors.equals(errors)) {
      this.status = status;
      this.reason = reason;
      this.errors = List.copyOf(errors);
      dirty = true;
    }
  }

  /** Publishes the result if the rows or the status changed since the last refresh. */
  void refresh(LocalStore store) {
    if (pipeline.failure() != null) {
      // A bug in an operator; the pipeline ignores further pushes. Build it again from the rows held.
      log.error("the pipeline of query {} failed; rebuilding it", handle.queryID(), pipeline.failure());
      connect(store);
    }
    if (!dirty) {
      return;
    }
    dirty = false;
    boolean answered = status == QueryResult.Status.LOADING || status == QueryResult.Status.COMPLETE;
    List<QueryRow> rows = answered ? rows(pipeline.input().fetch(FetchRequest.ALL), normalized,
        pipeline.input().schema()) : List.of();
    QueryResult next = new QueryResult(status, reason, errors, rows);
    if (!next.equals(handle.result())) {
      handle.publish(next);
    }
  }

  void close() {
    if (pipeline != null) {
      pipeline.close();
      pipeline = null;
    }
  }

  /** The nodes of a fetch as rows with their related rows, read now (nodes read their children lazily). */
  private static List<QueryRow> rows(Stream<Node> nodes, Query q, Schema s) {
    return nodes.map(n -> {
      Map<String, List<QueryRow>> related = new LinkedHashMap<>();
      for (Related r : q.related()) {
        related.put(r.name(), rows(n.children(r.name()), r.query(), s.relationships().get(r.name())));
      }
      return new QueryRow(q.table(), n.row(), related);
    }).toList();
  }
}
