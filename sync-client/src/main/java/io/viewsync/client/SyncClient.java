package io.viewsync.client;

import io.viewsync.core.ivm.Row;
import io.viewsync.core.protocol.ClientMessageWriter;
import io.viewsync.core.protocol.ClientSchema;
import io.viewsync.core.protocol.CompatibilityReport;
import io.viewsync.core.protocol.ProtocolError;
import io.viewsync.core.protocol.ServerEvent;
import io.viewsync.core.protocol.ServerMessageReader;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryJson;
import io.viewsync.core.query.Result;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java client of sync protocol v1 (docs/protocol.md; usage in docs/client.md). It connects to
 * {@code ws://HOST:PORT/sync/v1} as one client of a client group, keeps the group's rows in memory, applies each
 * poke atomically, and keeps every subscribed query's result ({@link LiveQuery}) current by evaluating the query
 * over those rows with sync-core's operators.
 *
 * <p>Lifecycle ({@link ConnectionState}): {@link Builder#build()} starts connecting. The client sends
 * {@code connect} (with its cookie), and after each {@code connected} every current subscription. When the socket
 * goes away for any reason but {@link #close()} (server restart, close codes 1001/1012/4002/4008, a network error,
 * a poke whose base cookie is not the client's, a message it cannot use), it reconnects after a backoff (100 ms
 * doubling to 5 s by default) with the cookie of the last poke it applied. Close code 4001 (the server does not speak
 * the client's protocol version) is final: {@link ConnectionState#FAILED}, reported as a {@link SyncError}.
 *
 * <p>Threads: the client runs on one thread of its own, which handles the socket's messages, the subscriptions and
 * the reconnects in order, and calls the listeners. Every public method is safe from any thread. Listeners
 * ({@link LiveQuery#onChange}, {@link Builder#onError}) run on the client's thread: they must not block; they may
 * call the client (subscribe, read results).
 */
public final class SyncClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncClient.class);

  /** The protocol version this client speaks. */
  public static final int PROTOCOL_VERSION = 1;
  /** How many errors {@link #errors()} keeps. */
  static final int RECENT_ERRORS = 100;

  private final URI uri;
  private final String clientGroupID;
  private final String clientID;
  private final DeclaredSchema schema;
  private final Consumer<SyncError> onError;
  private final ScheduledExecutorService thread;
  private final SyncState state;
  private final Connection connection;
  private volatile Thread clientThread;

  // Guarded by this: the subscriptions as callers see them; each change is then posted to the client's thread.
  private final Map<String, LiveQuery> subscriptions = new LinkedHashMap<>();
  private boolean closed;
  private final Deque<SyncError> recentErrors = new ArrayDeque<>(); // guarded by itself

  // The client's thread only.
  private boolean appliedSinceConnect;
  private final Set<String> unsubscribeOnConnect = new LinkedHashSet<>();
  private final Set<String> quietUnknownQuery = new HashSet<>(); // unsubscribes the server may not know

  private SyncClient(Builder b) {
    this.uri = b.uri;
    this.clientGroupID = b.clientGroupID;
    this.clientID = b.clientID;
    this.schema = new DeclaredSchema(b.schema);
    this.onError = b.onError;
    this.state = new SyncState(schema, b.cookie);
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "viewsync-client-" + clientGroupID + "/" + clientID);
      t.setDaemon(true);
      clientThread = t;
      return t;
    });
    executor.setRemoveOnCancelPolicy(true); // a cancelled reconnect timer does not hold up close()
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = executor;
    this.connection = new Connection(uri, b.transport, new Backoff(b.backoffInitial, b.backoffMax), b.pingInterval,
        thread, this::post, new Protocol());
    post(connection::open);
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---- public API

  /**
   * Subscribes {@code query} as {@code queryID} and returns its live result. The query must fit the declared schema
   * (tables, columns, types, the server's limits) and use no {@code exists} (whose rows protocol v1 does not send);
   * otherwise this throws {@link IllegalArgumentException} and nothing is sent. An ID already subscribed is
   * replaced (as the protocol says): the old handle is closed. The subscription is sent now if connected, and
   * again after every reconnect.
   *
   * @throws IllegalArgumentException for an invalid ID (1–64 chars) or a query the client cannot evaluate
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized LiveQuery subscribe(String queryID, Query query) {
    checkOpen();
    Objects.requireNonNull(query, "query");
    String message = ClientMessageWriter.subscribe(queryID, query); // checks the ID
    Query normalized = schema.normalize(schema.check(query));
    LiveQuery handle = new LiveQuery(queryID, query, message, this::post, this::unsubscribe);
    LiveQuery old = subscriptions.put(queryID, handle);
    if (old != null) {
      old.retire();
    }
    post(() -> {
      unsubscribeOnConnect.remove(queryID);
      state.add(new QueryView(handle, normalized));
      if (connection.isEstablished()) {
        connection.send(message);
      }
    });
    return handle;
  }

  /**
   * {@link #subscribe(String, Query)} of a query written as JSON (docs/queries.md).
   *
   * @throws IllegalArgumentException also when the JSON does not parse as a query
   */
  public LiveQuery subscribe(String queryID, String queryJson) {
    Result<Query> parsed = QueryJson.parse(queryJson);
    if (!parsed.isOk()) {
      throw new IllegalArgumentException("the query does not parse: " + parsed.errors());
    }
    return subscribe(queryID, parsed.orElseThrow());
  }

  /**
   * Unsubscribes {@code queryID}: its handle is closed, its rows leave the client when no other query of the group
   * holds them (the server deletes them in a poke). Sent now if connected, else at the next connect.
   *
   * @throws IllegalArgumentException if no query has that ID
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void unsubscribe(String queryID) {
    checkOpen();
    LiveQuery handle = subscriptions.get(queryID);
    if (handle == null) {
      throw new IllegalArgumentException("no query " + queryID + " is subscribed");
    }
    unsubscribe(handle);
  }

  /** Unsubscribes {@code handle} if it is still the subscription of its ID; nothing otherwise (or once closed). */
  synchronized void unsubscribe(LiveQuery handle) {
    String id = handle.queryID();
    if (closed || subscriptions.get(id) != handle) {
      return;
    }
    subscriptions.remove(id);
    handle.retire();
    post(() -> {
      state.remove(id);
      if (connection.isEstablished()) {
        connection.send(ClientMessageWriter.unsubscribe(id));
      } else {
        unsubscribeOnConnect.add(id);
      }
    });
  }

  /** The live query subscribed as {@code queryID}, or null. */
  public synchronized LiveQuery query(String queryID) {
    return subscriptions.get(queryID);
  }

  /**
   * The rows the client holds of a declared table (every query's, the group's), in no order: a copy made on the
   * client's thread, so it waits for the message being handled.
   *
   * @throws IllegalArgumentException for a table the client did not declare
   * @throws IllegalStateException after {@link #close()}
   */
  public List<Row> rows(String table) {
    if (schema.table(table) == null) {
      throw new IllegalArgumentException("table " + table + " is not declared");
    }
    return call(() -> state.rows(table));
  }

  /** The cookie of the last poke applied (what a reconnect resumes from), or the builder's, or null. */
  public String cookie() {
    return state.cookie();
  }

  /** The compatibility report of the last {@code connected} or {@code schemaChanged}; null before the first. */
  public CompatibilityReport compatibility() {
    return state.report();
  }

  /** The server's schema version as last reported; empty before the first {@code connected}. */
  public OptionalLong schemaVersion() {
    long v = state.schemaVersion();
    return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
  }

  public ConnectionState connectionState() {
    return connection.state();
  }

  /** Whether the server has accepted the current connection. */
  public boolean connected() {
    return connection.state() == ConnectionState.CONNECTED;
  }

  /** Counters for tests and monitoring. */
  public SyncStats stats() {
    return state.stats();
  }

  /** The last {@value #RECENT_ERRORS} errors, oldest first ({@link Builder#onError} sees each as it comes). */
  public List<SyncError> errors() {
    synchronized (recentErrors) {
      return List.copyOf(recentErrors);
    }
  }

  /**
   * Closes the connection (close code 1000) and stops the client's thread; waits up to 5 s for it unless called on
   * it. Live queries keep their last result. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      subscriptions.values().forEach(LiveQuery::retire);
      subscriptions.clear();
    }
    post(() -> {
      connection.close();
      state.close();
    });
    thread.shutdown();
    if (!onClientThread()) {
      try {
        if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("the client's thread did not stop within 5 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits until the client's thread has handled everything posted so far (tests). */
  void flush() {
    call(() -> null);
  }

  // ---- the protocol (the client's thread)

  /** What the client says and does on its connection's events. */
  private final class Protocol implements Connection.Handler {
    @Override
    public void opened() {
      connection.send(ClientMessageWriter.connect(PROTOCOL_VERSION, clientGroupID, clientID, schema.schema(),
          state.cookie(), null));
    }

    @Override
    public void received(String text) {
      ServerMessageReader.Parsed parsed = ServerMessageReader.parse(text);
      try {
        if (parsed instanceof ServerMessageReader.Failure f) {
          throw new ProtocolViolation("a message the client cannot read: " + f.message());
        }
        ServerEvent event = (ServerEvent) parsed;
        if (event instanceof ServerEvent.Connected c) {
          connected(c);
        } else if (event instanceof ServerEvent.Error e) {
          serverError(e);
        } else if (!connection.isEstablished()) {
          throw new ProtocolViolation(event.type() + " before connected");
        } else if (event instanceof ServerEvent.PokeStart || event instanceof ServerEvent.PokePart
            || event instanceof ServerEvent.PokeEnd) {
          if (state.poke(event) && !appliedSinceConnect) {
            appliedSinceConnect = true;
            connection.worked();
          }
        } else if (event instanceof ServerEvent.SchemaChanged sc) {
          state.schemaChanged(sc);
        } else if (!(event instanceof ServerEvent.Pong)) {
          throw new IllegalStateException("unknown server event " + event);
        }
      } catch (ProtocolViolation v) {
        report(SyncError.client(v.kind(), v.getMessage()));
        restart("protocol violation");
      } catch (RuntimeException bug) {
        // The client failed applying what it got: its rows cannot be trusted, so it asks for the whole state.
        log.error("the sync client failed on a message; reconnecting without a cookie", bug);
        report(SyncError.client("internal", "the client failed: " + bug));
        state.forgetCookie();
        restart("client error");
      }
    }

    private void restart(String why) {
      state.disconnected();
      connection.restart(why);
    }

    @Override
    public void lost(int code, String reason) {
      state.disconnected();
      if (connection.state() == ConnectionState.FAILED) {
        report(SyncError.client("unsupported_protocol", "the server closed the connection with " + code
            + ": it does not speak protocol version " + PROTOCOL_VERSION + " (" + reason + "); the client stops"));
      }
    }

    private void connected(ServerEvent.Connected c) {
      if (connection.isEstablished()) {
        throw new ProtocolViolation("a second connected");
      }
      if (c.protocolVersion() != PROTOCOL_VERSION) {
        throw new ProtocolViolation("the server speaks protocol version " + c.protocolVersion() + ", not "
            + PROTOCOL_VERSION);
      }
      connection.established();
      appliedSinceConnect = false;
      state.connected(c);
      for (String id : unsubscribeOnConnect) {
        quietUnknownQuery.add(id);
        connection.send(ClientMessageWriter.unsubscribe(id));
      }
      unsubscribeOnConnect.clear();
      for (QueryView v : state.views()) {
        connection.send(v.handle().subscribeMessage());
      }
    }

    private void serverError(ServerEvent.Error e) {
      SyncError error = SyncError.of(e);
      ProtocolError.Kind kind = e.knownKind().orElse(null);
      if (kind == ProtocolError.Kind.UNKNOWN_QUERY && e.queryID() != null
          && quietUnknownQuery.remove(e.queryID())) {
        return; // an unsubscribe sent at connect for a query the server had forgotten anyway
      }
      report(error);
      if (kind == ProtocolError.Kind.UNSUPPORTED_PROTOCOL) {
        state.disconnected();
        connection.fail("unsupported protocol"); // the server closes with 4001 too
      } else if (!connection.isEstablished()) {
        restart("connect refused"); // the replica is not ready yet, say: try again later
      } else if (e.queryID() != null
          && (kind == ProtocolError.Kind.INVALID_QUERY || kind == ProtocolError.Kind.TOO_MANY_QUERIES)) {
        state.rejected(e.queryID(), error);
      }
    }
  }

  private void report(SyncError error) {
    synchronized (recentErrors) {
      if (recentErrors.size() == RECENT_ERRORS) {
        recentErrors.removeFirst();
      }
      recentErrors.addLast(error);
    }
    if (error.origin() == SyncError.Origin.CLIENT) {
      log.warn("{}: {}", error.kind(), error.message());
    }
    if (onError != null) {
      try {
        onError.accept(error);
      } catch (RuntimeException e) {
        log.error("the error listener failed", e);
      }
    }
  }

  // ---- the client's thread

  /** Runs {@code work} on the client's thread; false if the client has stopped. */
  private boolean post(Runnable work) {
    try {
      thread.execute(() -> guarded(work));
      return true;
    } catch (RejectedExecutionException stopped) {
      return false;
    }
  }

  private void guarded(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      log.error("the sync client failed", e);
      report(SyncError.client("internal", "the client failed: " + e));
    }
  }

  private <T> T call(Callable<T> work) {
    if (onClientThread()) {
      try {
        return work.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    try {
      return thread.submit(work).get();
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("the client is closed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  private boolean onClientThread() {
    return Thread.currentThread() == clientThread;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
  }

  @Override
  public String toString() {
    return "SyncClient[" + clientGroupID + "/" + clientID + " " + uri + ", " + connection.state() + ", cookie "
        + cookie() + "]";
  }

  /**
   * Configures a {@link SyncClient}. Required: {@link #uri}, {@link #clientGroupID}, {@link #clientID},
   * {@link #schema}. Not thread-safe; {@link #build()} may be called more than once (each builds a new client).
   */
  public static final class Builder {
    private URI uri;
    private String clientGroupID;
    private String clientID;
    private ClientSchema schema;
    private String cookie;
    private Duration backoffInitial = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(5);
    private Duration pingInterval = Duration.ofSeconds(30);
    private Consumer<SyncError> onError;
    private Transport transport = new JdkWebSocketTransport();

    private Builder() {}

    /** The server's endpoint, {@code ws://HOST:PORT/sync/v1} ({@code wss://} behind TLS). */
    public Builder uri(URI uri) {
      String scheme = Objects.requireNonNull(uri, "uri").getScheme();
      if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
        throw new IllegalArgumentException("a sync URI is ws:// or wss://, not " + uri);
      }
      this.uri = uri;
      return this;
    }

    public Builder uri(String uri) {
      return uri(URI.create(uri));
    }

    /** The client group whose rows this client shares (1–64 chars). */
    public Builder clientGroupID(String id) {
      this.clientGroupID = id;
      return this;
    }

    /** This client within its group (1–64 chars). */
    public Builder clientID(String id) {
      this.clientID = id;
      return this;
    }

    /**
     * The schema the client was built against: what it asks for and how it reads rows. Declare each primary key in
     * the server's column order: queries' orders are completed with it, and the server completes them with its own.
     */
    public Builder schema(ClientSchema schema) {
      this.schema = schema;
      return this;
    }

    /**
     * The cookie to connect with, or null (the default) for a fresh client. A cookie says "I hold the group's rows
     * as of this poke": this client keeps no rows across processes, so a server that resumes it sends only what
     * changed since, and the rows from before are missing. Only tests of resumption want this.
     */
    public Builder cookie(String cookie) {
      this.cookie = cookie;
      return this;
    }

    /** Reconnect delays: {@code initial} (100 ms), doubling to {@code max} (5 s). */
    public Builder backoff(Duration initial, Duration max) {
      new Backoff(initial, max); // checks them
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    /** How often to ping a quiet connection (30 s); one silent for a whole interval is reconnected. Zero: never. */
    public Builder pingInterval(Duration every) {
      if (every.isNegative()) {
        throw new IllegalArgumentException("a ping interval is zero or positive: " + every);
      }
      this.pingInterval = every;
      return this;
    }

    /** Told every {@link SyncError}, on the client's thread (see {@link SyncClient}). */
    public Builder onError(Consumer<SyncError> listener) {
      this.onError = listener;
      return this;
    }

    /** Tests: a transport without sockets. */
    Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * A new client, already connecting.
     *
     * @throws IllegalStateException if a required setting is missing
     * @throws IllegalArgumentException if an ID is invalid
     */
    public SyncClient build() {
      List<String> missing = new java.util.ArrayList<>();
      if (uri == null) {
        missing.add("uri");
      }
      if (clientGroupID == null) {
        missing.add("clientGroupID");
      }
      if (clientID == null) {
        missing.add("clientID");
      }
      if (schema == null) {
        missing.add("schema");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("a SyncClient needs uri, clientGroupID, clientID and schema; missing: "
            + String.join(", ", missing));
      }
      ClientMessageWriter.connect(PROTOCOL_VERSION, clientGroupID, clientID, schema, cookie, null); // checks IDs
      return new SyncClient(this);
    }
  }
}
