package io.viewsync.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.protocol.CompatibilityReport;
import io.viewsync.core.protocol.ServerEvent;
import io.viewsync.core.protocol.ServerMessage.QueryStatus;
import io.viewsync.core.protocol.ServerMessage.RowOp;
import io.viewsync.core.query.QueryError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the client has synced, and the rules for changing it (docs/protocol.md): the rows it holds
 * ({@link LocalStore}), its queries' views over them ({@link QueryView}), the cookie of the last poke applied, and
 * the compatibility report the rows are decoded by. A poke is applied whole at its {@code pokeEnd} or not at all:
 * its base cookie must be the client's (unless it is a reset, which first clears every row), and every row must
 * decode, before anything changes; the views are then refreshed and their listeners told.
 *
 * <p>No I/O: {@link SyncClient} feeds it the server's events and acts on the {@link ProtocolViolation}s it throws.
 *
 * <p>Not thread-safe: the client's thread calls every method, except the getters marked "any thread", which read
 * values published after each event.
 */
final class SyncState {

  private final DeclaredSchema schema;
  private final PokeBuffer pokes = new PokeBuffer();
  private final Map<String, QueryView> views = new LinkedHashMap<>();
  private LocalStore store;
  private RowDecoder decoder; // from the last connected / schemaChanged; null before the first

  private long connects;
  private long pokesApplied;
  private long resets;
  private long rowsReceived;
  private long rowsSinceConnect;

  // Published for other threads.
  private volatile String cookie;
  private volatile CompatibilityReport report;
  private volatile long schemaVersion = -1;
  private volatile SyncStats stats = SyncStats.ZERO;

  /** @param cookie the cookie to resume from, or null for a fresh client */
  SyncState(DeclaredSchema schema, String cookie) {
    this.schema = schema;
    this.store = new LocalStore(schema);
    this.cookie = cookie;
  }

  /** The server accepted {@code connect}: rows are decoded by this report from now on. */
  void connected(ServerEvent.Connected c) {
    pokes.clear();
    decoder = new RowDecoder(schema, c.compatibility());
    report = c.compatibility();
    schemaVersion = c.schemaVersion();
    connects++;
    rowsSinceConnect = 0;
    publishStats();
  }

  /** The upstream schema changed: the new report decodes the rows of the next pokes. */
  void schemaChanged(ServerEvent.SchemaChanged s) {
    decoder = new RowDecoder(schema, s.compatibility());
    report = s.compatibility();
    schemaVersion = s.schemaVersion();
  }

  /**
   * The rows held can no longer be trusted (the client failed applying a poke): the next connect goes without a
   * cookie, so the server sends the whole state in a reset poke.
   */
  void forgetCookie() {
    cookie = null;
  }

  /** The connection is gone: a poke it was sending will not be finished. */
  void disconnected() {
    pokes.clear();
  }

  /**
   * Takes a {@code pokeStart}, {@code pokePart} or {@code pokeEnd}; at {@code pokeEnd} applies the poke.
   *
   * @return whether a poke was applied
   * @throws ProtocolViolation out of order, out of step (a base cookie that is not the client's) or a row the
   *     client cannot hold; nothing was applied
   */
  boolean poke(ServerEvent event) {
    PokeBuffer.Poke poke = pokes.accept(event);
    if (poke == null) {
      return false;
    }
    apply(poke);
    return true;
  }

  private void apply(PokeBuffer.Poke poke) {
    ServerEvent.PokeStart start = poke.start();
    if (decoder == null) {
      throw new ProtocolViolation("poke " + start.pokeID() + " before connected");
    }
    if (!start.reset() && !Objects.equals(start.baseCookie(), cookie)) {
      throw new ProtocolViolation(ProtocolViolation.OUT_OF_STEP, "poke " + start.pokeID() + " applies to cookie "
          + start.baseCookie() + ", the client is at " + cookie);
    }
    List<RowDecoder.Change> changes = new ArrayList<>(poke.rows().size());
    for (RowOp op : poke.rows()) {
      changes.add(decoder.decode(op));
    }
    if (start.reset()) {
      // The poke carries the whole state: fill a new store, then hydrate the views from it once.
      LocalStore fresh = new LocalStore(schema);
      changes.forEach(fresh::apply);
      store = fresh;
      views.values().forEach(v -> v.connect(fresh));
      resets++;
    } else {
      changes.forEach(store::apply);
    }
    for (QueryStatus q : poke.queries()) {
      QueryView v = views.get(q.queryID());
      if (v != null) { // the group's other clients' queries come too; their IDs may not be ours
        v.status(status(q.status()), q.reason(), q.errors());
      }
    }
    cookie = poke.cookie();
    schemaVersion = start.schemaVersion();
    pokesApplied++;
    rowsReceived += changes.size();
    rowsSinceConnect += changes.size();
    publishStats();
    views.values().forEach(v -> v.refresh(store));
  }

  private static QueryResult.Status status(QueryStatus.Status s) {
    return switch (s) {
      case LOADING -> QueryResult.Status.LOADING;
      case COMPLETE -> QueryResult.Status.COMPLETE;
      case UNAVAILABLE -> QueryResult.Status.UNAVAILABLE;
    };
  }

  /** Adds (or replaces) a query's view and publishes its first result, from the rows already held. */
  void add(QueryView view) {
    QueryView old = views.put(view.handle().queryID(), view);
    if (old != null) {
      old.close();
    }
    view.connect(store);
    view.refresh(store);
  }

  /** Drops a query's view (unsubscribed); nothing if {@code queryID} has none. */
  void remove(String queryID) {
    QueryView v = views.remove(queryID);
    if (v != null) {
      v.close();
    }
  }

  /** The server refused query {@code queryID} with {@code error}: it gets no rows. */
  void rejected(String queryID, SyncError error) {
    QueryView v = views.get(queryID);
    if (v != null) {
      v.status(QueryResult.Status.REJECTED, error.kind() + ": " + error.message(), queryErrors(error));
      v.refresh(store);
    }
  }

  /** The validator's errors in an {@code invalid_query} error's {@code details.errors}, those this client can read. */
  private static List<QueryError> queryErrors(SyncError error) {
    List<QueryError> out = new ArrayList<>();
    JsonNode details = error.details();
    if (details != null && details.path("errors").isArray()) {
      for (JsonNode e : details.get("errors")) {
        try {
          out.add(new QueryError(QueryError.Kind.valueOf(e.path("kind").asText()), e.path("path").asText(),
              e.path("message").asText()));
        } catch (IllegalArgumentException newerKind) {
          // Kinds only grow: one this client does not know is still in the error's details.
        }
      }
    }
    return out;
  }

  /** The queries' views, in subscription order. */
  Collection<QueryView> views() {
    return views.values();
  }

  /** Closes every view (the client is closing). */
  void close() {
    views.values().forEach(QueryView::close);
    views.clear();
  }

  /** The rows of a declared table now. */
  List<Row> rows(String table) {
    return store.rows(table);
  }

  /** The cookie of the last poke applied (or the one the client started from). Any thread. */
  String cookie() {
    return cookie;
  }

  /** The last compatibility report, or null before the first {@code connected}. Any thread. */
  CompatibilityReport report() {
    return report;
  }

  /** The server's schema version as last reported, or -1 before the first {@code connected}. Any thread. */
  long schemaVersion() {
    return schemaVersion;
  }

  /** Any thread. */
  SyncStats stats() {
    return stats;
  }

  private void publishStats() {
    stats = new SyncStats(connects, pokesApplied, resets, rowsReceived, rowsSinceConnect, store.size());
  }
}
