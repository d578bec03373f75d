package io.viewsync.client;

import io.viewsync.core.query.Query;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscribed query ({@link SyncClient#subscribe}): its current {@link QueryResult}, kept by the client after every
 * poke, and the listeners told when it changes. The result is the query evaluated over the rows the client holds,
 * with sync-core's own operators, so it is ordered, filtered and limited as the server's is; the status is the
 * server's.
 *
 * <p>Thread-safe: {@link #result()} may be read from any thread (it is one immutable value, replaced after each
 * poke that changed it). Listeners run on the client's thread, after the poke is applied, one at a time: they must
 * not block, and they see every later change in order.
 */
public final class LiveQuery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LiveQuery.class);

  private final String queryID;
  private final Query query;
  private final String subscribeMessage;
  private final Executor clientThread;
  private final Consumer<LiveQuery> unsubscribe;
  private final List<Consumer<QueryResult>> listeners = new CopyOnWriteArrayList<>();
  private volatile QueryResult result = QueryResult.LOADING_EMPTY;
  private volatile boolean closed;

  /**
   * @param clientThread runs work on the client's thread
   * @param unsubscribe what {@link #close()} does
   */
  LiveQuery(String queryID, Query query, String subscribeMessage, Executor clientThread,
      Consumer<LiveQuery> unsubscribe) {
    this.queryID = queryID;
    this.query = query;
    this.subscribeMessage = subscribeMessage;
    this.clientThread = clientThread;
    this.unsubscribe = unsubscribe;
  }

  public String queryID() {
    return queryID;
  }

  /** The query as subscribed (the server gets it as is). */
  public Query query() {
    return query;
  }

  /** The status and rows now: one consistent value. */
  public QueryResult result() {
    return result;
  }

  /** {@code result().rows()}: the top rows in the query's order, each with its related rows. */
  public List<QueryRow> rows() {
    return result.rows();
  }

  /** {@code result().status()}. */
  public QueryResult.Status status() {
    return result.status();
  }

  /**
   * Calls {@code listener} with the current result, then with the new one after each applied poke that changed this
   * query's rows or status, on the client's thread (see the class comment), so it never misses a change however
   * late it is added. A listener that throws is logged and kept.
   *
   * @return this
   */
  public LiveQuery onChange(Consumer<QueryResult> listener) {
    Objects.requireNonNull(listener, "listener");
    clientThread.execute(() -> {
      listeners.add(listener);
      call(listener, result);
    });
    return this;
  }

  /** Whether it was unsubscribed (or replaced by a subscription with the same ID, or the client closed). */
  public boolean isClosed() {
    return closed;
  }

  /** Unsubscribes, if this is still the client's query of that ID; nothing otherwise. */
  @Override
  public void close() {
    unsubscribe.accept(this);
  }

  String subscribeMessage() {
    return subscribeMessage;
  }

  /** No more results: unsubscribed or replaced. Any thread. */
  void retire() {
    closed = true;
  }

  /** A new result; the client's thread. */
  void publish(QueryResult next) {
    if (closed) {
      return;
    }
    result = next;
    for (Consumer<QueryResult> l : listeners) {
      call(l, next);
    }
  }

  private void call(Consumer<QueryResult> listener, QueryResult r) {
    try {
      listener.accept(r);
    } catch (RuntimeException e) {
      log.error("a listener of query {} failed", queryID, e);
    }
  }

  @Override
  public String toString() {
    return "LiveQuery[" + queryID + ", " + result.status() + ", " + result.rows().size() + " rows]";
  }
}
