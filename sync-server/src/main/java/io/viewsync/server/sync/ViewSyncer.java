package io.viewsync.server.sync;

import io.viewsync.core.Lsn;
import io.viewsync.core.protocol.Availability;
import io.viewsync.core.protocol.ClientMessage;
import io.viewsync.core.protocol.ClientSchema;
import io.viewsync.core.protocol.ClientView;
import io.viewsync.core.protocol.Compatibility;
import io.viewsync.core.protocol.CompatibilityReport;
import io.viewsync.core.protocol.GroupRows;
import io.viewsync.core.protocol.ProtocolError;
import io.viewsync.core.protocol.ProtocolVersions;
import io.viewsync.core.protocol.QueryAvailability;
import io.viewsync.core.protocol.ServerMessage;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryHash;
import io.viewsync.core.query.QueryJson;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.query.Result;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import io.viewsync.core.view.RowPatch;
import io.viewsync.core.view.RowRef;
import io.viewsync.replica.ClientViewRecords;
import io.viewsync.replica.ReplicaStore;
import io.viewsync.replica.Views;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of sync protocol v1 (docs/protocol.md) without the transport: client groups, their queries over
 * the shared {@link Views}, client view records, and the pokes that move each client from its cookie to the
 * latest version. A transport hands it each client's messages, a {@code Consumer<String>} for the messages to
 * send back, and whether that client's socket takes more now.
 *
 * <p>Per client group: the queries of its clients (by client and query ID), each either waiting for its view,
 * holding its rows, or unavailable (it reads something the client's schema cannot receive, {@link
 * QueryAvailability}); the group's rows, each once however many queries hold it, stamped with the version they
 * last changed at ({@link GroupRows}); and its records in {@code cvr.db} ({@link ClientViewRecords}).
 * {@link #advance()} moves every view to the replica's latest version B, stamps each group's changes with B,
 * writes the records, and only then pokes: a client whose cookie is current gets the changes; one that is behind
 * (it just connected with an older cookie, or its socket was full for a while) gets one poke from its cookie to B
 * ({@link GroupRows#since}); one the server cannot resume gets a reset poke. A group whose records are on disk but
 * not in memory (after a restart, or evicted while idle) is restored when a client of it connects: its queries
 * are subscribed again, and once answered its rows are compared with the records (value hashes), so only what
 * changed meanwhile is new.
 *
 * <p>A cookie is {@code <replica id>:<version>}; it can be resumed when it names this replica, is not newer than
 * the group's last poke and not older than its horizon (the newest tombstone pruned).
 *
 * <p>Not thread-safe: one view-sync thread calls every method (never a Netty event loop).
 */
public final class ViewSyncer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ViewSyncer.class);

  /**
   * The sync protocol's limits and timings (docs/protocol.md "Limits").
   *
   * @param maxQueriesPerClient more is answered with {@code too_many_queries}
   * @param maxTombstonesPerGroup deleted rows remembered per group for catching up; a client older than the
   *     oldest forgotten one gets a reset poke
   * @param idleGroupMillis a group without a connected client is unloaded from memory after this (its records
   *     stay)
   * @param connectTimeoutMillis a connection without {@code connect} after this is closed (4008)
   * @param slowClientMillis a connection whose socket stays full this long is closed (4002)
   */
  public record Options(int maxQueriesPerClient, int maxTombstonesPerGroup, long idleGroupMillis,
      long connectTimeoutMillis, long slowClientMillis) {
    public static final Options DEFAULTS = new Options(100, 1_000, 5 * 60_000, 10_000, 30_000);
  }

  /** A connected client: where its messages go, and where its cookie stands. */
  public static final class Session {
    private final String clientGroupID;
    private final String clientID;
    private final Consumer<String> out;
    private final BooleanSupplier writable;
    private long cookie = -1; // the version of the last poke it was sent; -1: none (it needs a reset)
    private String cookieText;
    private boolean behind = true; // needs a catch-up (or reset) poke

    Session(String clientGroupID, String clientID, Consumer<String> out, BooleanSupplier writable) {
      this.clientGroupID = clientGroupID;
      this.clientID = clientID;
      this.out = out;
      this.writable = writable;
    }

    public String clientGroupID() {
      return clientGroupID;
    }

    public String clientID() {
      return clientID;
    }

    public Consumer<String> out() {
      return out;
    }
  }

  private static final class Sub {
    final String clientID;
    final ClientMessage.Subscribe message;
    QueryHash hash; // null while unavailable to the client's schema
    boolean holding; // its rows are in the group's rows
    boolean replacing; // its rows are from a replica let go of: the next load replaces them (a diff)
    ServerMessage.QueryStatus status;
    boolean changed; // a status change not yet poked
    final long createdNanos = System.nanoTime(); // for the hydration time

    Sub(String clientID, ClientMessage.Subscribe message) {
      this.clientID = clientID;
      this.message = message;
    }

    boolean settled(Views views) {
      if (hash == null || holding) {
        return true;
      }
      Views.Status st = views.status(hash);
      return st != null && !st.available();
    }
  }

  private static final class Group {
    final String id;
    ClientSchema schema;
    String schemaJson;
    ClientView view;
    final GroupRows rows = new GroupRows();
    final Map<String, Sub> subs = new LinkedHashMap<>(); // clientID + '\0' + queryID
    final List<Session> sessions = new ArrayList<>();
    long version = -1; // the last version poked (persisted first): no cookie of this group is newer
    Map<RowRef, ClientViewRecords.StoredRow> restoring; // records to compare with once every query is answered
    long idleSince = System.nanoTime();
    int pokes;

    Group(String id, ClientSchema schema, ClientView view) {
      this.id = id;
      this.schema = schema;
      this.schemaJson = schema.toJson().toString();
      this.view = view;
    }
  }

  private Views views; // null while detached (a rebuilt replica is being swapped in)
  private final QueryLimits limits;
  private final ClientViewRecords records;
  private final Options options;
  private final String serverVersion;
  private final Map<String, Group> groups = new LinkedHashMap<>();
  // An advance visits only the groups it may change: those holding a query it updated, and the dirty ones (a
  // client connected or is behind, a query was added or dropped or waits for its view, a schema was reviewed).
  private final Map<QueryHash, Map<Group, Integer>> byHash = new HashMap<>();
  private final Set<Group> dirty = new java.util.LinkedHashSet<>();
  private long schemaVersion = -1;
  private Map<String, TableSpec> tables = Map.of();
  private final Map<String, TableSpec> lastSpecs = new HashMap<>(); // also of tables gone: for their deletes
  private final SyncMetrics metrics;
  private long lastVersion = -1; // of the last advance
  private boolean poked; // during the current advance

  /** Keeps its client view records in {@code recordsDir} ({@link ClientViewRecords#FILE_NAME}). */
  public ViewSyncer(ReplicaStore store, Path recordsDir, QueryLimits limits, Options options, String serverVersion)
      throws SQLException {
    this(store, recordsDir, limits, options, serverVersion, SyncMetrics.unexported());
  }

  /** As above, recording into {@code metrics}. */
  public ViewSyncer(ReplicaStore store, Path recordsDir, QueryLimits limits, Options options, String serverVersion,
      SyncMetrics metrics) throws SQLException {
    this.views = new Views(store, limits, Views.DEFAULT_MAX_INCREMENTAL_CHANGES);
    this.limits = limits;
    this.records = ClientViewRecords.open(recordsDir);
    this.options = options;
    this.serverVersion = serverVersion;
    this.metrics = metrics;
  }

  /** Sends an error to a client, counted by kind. */
  private void error(Consumer<String> out, ProtocolError e) {
    metrics.error(e.kind());
    out.accept(ServerMessage.error(e));
  }

  /**
   * Handles {@code connect}: answers {@code connected} (or an error) through {@code out}; null on refusal. The
   * client's first poke (a catch-up from its cookie, or a reset) follows at the next {@link #advance()}.
   */
  public Session connect(ClientMessage.Connect connect, Consumer<String> out, BooleanSupplier writable)
      throws SQLException {
    if (!ProtocolVersions.supports(connect.protocolVersion())) {
      error(out, ProtocolVersions.unsupported(Integer.toString(connect.protocolVersion())));
      return null;
    }
    var snapshot = views.snapshot();
    observeSchema(snapshot.schemaVersion(), snapshot.tables());
    Group g = groups.get(connect.clientGroupID());
    if (g == null) {
      g = restoreOrCreate(connect, snapshot.replicaId());
      groups.put(g.id, g);
    } else if (!connect.schema().toJson().toString().equals(g.schemaJson)) {
      // One group is one client-side store: it takes the newest declaration (a new app version, say); its
      // other clients get schemaChanged, and rows are sent again in the new shape.
      g.schema = connect.schema();
      g.schemaJson = connect.schema().toJson().toString();
      review(g, before -> true);
    }
    Session s = new Session(connect.clientGroupID(), connect.clientID(), out, writable);
    Optional<Cookie> cookie = Cookie.parse(connect.cookie());
    if (cookie.isPresent() && cookie.get().replicaId().equals(snapshot.replicaId())
        && cookie.get().version() <= g.version && cookie.get().version() >= g.rows.horizon()) {
      s.cookie = cookie.get().version();
      s.cookieText = connect.cookie();
    } // else: no cookie, or one that cannot be resumed: a reset poke
    g.sessions.add(s);
    dirty.add(g);
    out.accept(ServerMessage.connected(connect.protocolVersion(), serverVersion, snapshot.schemaVersion(),
        g.view.report()));
    return s;
  }

  private Group restoreOrCreate(ClientMessage.Connect connect, String replicaId) throws SQLException {
    Optional<ClientViewRecords.StoredGroup> stored = records.load(connect.clientGroupID());
    Group g = new Group(connect.clientGroupID(), connect.schema(),
        ClientView.of(connect.schema(), Compatibility.report(connect.schema(), tables)));
    if (stored.isEmpty()) {
      return g;
    }
    ClientViewRecords.StoredGroup sg = stored.get();
    if (!sg.replicaId().equals(replicaId) || !sg.schemaJson().equals(g.schemaJson)) {
      // Another replica's rows, or rows projected for another schema: start over (a reset poke).
      log.info("client group {}: its records are from {}; it starts over", g.id,
          sg.replicaId().equals(replicaId) ? "another schema declaration" : "another replica");
      records.deleteGroup(g.id);
      return g;
    }
    g.version = sg.version();
    g.rows.horizon(sg.horizon());
    g.restoring = sg.rows();
    dirty.add(g);
    for (ClientViewRecords.StoredQuery q : sg.queries()) {
      Result<Query> query = QueryJson.parse(q.queryJson());
      if (query.isOk()) {
        add(g, q.clientID(), new ClientMessage.Subscribe(q.queryID(), query.orElseThrow()), null);
      } else {
        log.warn("client group {}: a recorded query no longer parses; dropped: {}", g.id, query.errors());
        records.deleteQuery(g.id, q.clientID(), q.queryID());
      }
    }
    log.info("client group {} restored from its records: {} queries, {} rows at version {}", g.id,
        sg.queries().size(), sg.rows().size(), Lsn.of(sg.version()));
    return g;
  }

  /** Handles {@code subscribe}; the rows follow in the next poke ({@link #advance()}). */
  public void subscribe(Session s, ClientMessage.Subscribe m) throws SQLException {
    Group g = groups.get(s.clientGroupID());
    String key = key(s.clientID(), m.queryID());
    Sub old = g.subs.get(key);
    if (old != null && old.message.query().equals(m.query())) {
      return; // the same query again (a client re-subscribing after a reconnect): nothing changes
    }
    if (old == null && g.subs.keySet().stream().filter(k -> k.startsWith(s.clientID() + '\0')).count()
        >= options.maxQueriesPerClient()) {
      error(s.out(), new ProtocolError(ProtocolError.Kind.TOO_MANY_QUERIES,
          "at most " + options.maxQueriesPerClient() + " queries per client", null, m.queryID()));
      return;
    }
    if (add(g, s.clientID(), m, s)) {
      records.putQuery(g.id, s.clientID(), m.queryID(), QueryJson.write(m.query()));
    }
  }

  /** Adds (or replaces) a query of the group; false when it does not validate (then {@code s} got the error). */
  private boolean add(Group g, String clientID, ClientMessage.Subscribe m, Session s) throws SQLException {
    dirty.add(g);
    String key = key(clientID, m.queryID());
    Sub sub = new Sub(clientID, m);
    Availability a = QueryAvailability.check(m.query(), g.view.report(), g.schema);
    if (a instanceof Availability.Unavailable u) {
      drop(g, key);
      status(sub, ServerMessage.QueryStatus.unavailable(m.queryID(), u.reason(), List.of()));
      g.subs.put(key, sub);
      return true;
    }
    Result<QueryHash> r = views.subscribe(m.query());
    if (!r.isOk()) {
      if (s != null) {
        error(s.out(), new ProtocolError(ProtocolError.Kind.INVALID_QUERY,
            "the query does not validate", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().set("errors", ServerMessage.errorsJson(r.errors())), m.queryID()));
      }
      return false;
    }
    drop(g, key);
    sub.hash = r.orElseThrow();
    byHash.computeIfAbsent(sub.hash, h -> new HashMap<>()).merge(g, 1, Integer::sum);
    status(sub, ServerMessage.QueryStatus.loading(m.queryID()));
    g.subs.put(key, sub);
    load(g, key, sub);
    return true;
  }

  /** Handles {@code unsubscribe}. */
  public void unsubscribe(Session s, ClientMessage.Unsubscribe m) throws SQLException {
    Group g = groups.get(s.clientGroupID());
    String key = key(s.clientID(), m.queryID());
    if (!g.subs.containsKey(key)) {
      error(s.out(), new ProtocolError(ProtocolError.Kind.UNKNOWN_QUERY,
          "no query " + m.queryID(), null, m.queryID()));
      return;
    }
    drop(g, key);
    records.deleteQuery(g.id, s.clientID(), m.queryID());
  }

  /** The client's connection closed: its session goes; its queries stay with the group until it unsubscribes. */
  public void disconnect(Session s) {
    Group g = groups.get(s.clientGroupID());
    if (g != null && g.sessions.remove(s) && g.sessions.isEmpty()) {
      g.idleSince = System.nanoTime();
    }
  }

  private static String key(String clientID, String queryID) {
    return clientID + '\0' + queryID;
  }

  private void drop(Group g, String key) {
    Sub old = g.subs.remove(key);
    if (old != null) {
      dirty.add(g);
      g.rows.drop(key);
      if (old.hash != null) {
        unindex(g, old.hash);
        views.unsubscribe(old.hash);
      }
    }
  }

  private void unindex(Group g, QueryHash hash) {
    Map<Group, Integer> holders = byHash.get(hash);
    if (holders != null && holders.merge(g, -1, Integer::sum) == 0) {
      holders.remove(g);
      if (holders.isEmpty()) {
        byHash.remove(hash);
      }
    }
  }

  /** The client's socket takes more again: it catches up at the next advance. */
  public void writable(Session s) {
    Group g = groups.get(s.clientGroupID());
    if (g != null) {
      dirty.add(g);
    }
  }

  private void load(Group g, String key, Sub sub) {
    if (!sub.holding && sub.hash != null && views.pipeline(sub.hash) != null) {
      if (sub.replacing) {
        g.rows.replace(key, views.rows(sub.hash)); // answered anew on a rebuilt replica: only the difference
        sub.replacing = false;
      } else {
        g.rows.load(key, views.rows(sub.hash));
        metrics.hydrated(System.nanoTime() - sub.createdNanos);
      }
      sub.holding = true;
      status(sub, ServerMessage.QueryStatus.complete(sub.message.queryID()));
    }
  }

  private static void status(Sub sub, ServerMessage.QueryStatus s) {
    if (sub.status == null || sub.status.status() != s.status()) {
      sub.status = s;
      sub.changed = true;
    }
  }

  /**
   * The server's schema as of the latest snapshot: when its version moved, each group's compatibility report is
   * made again; a group whose report changed gets {@code schemaChanged}, its queries are checked again, and the
   * rows of every table whose projection to the client may have changed are sent again.
   */
  private void observeSchema(long version, Map<String, TableSpec> now) throws SQLException {
    if (version == schemaVersion) {
      return;
    }
    Map<String, TableSpec> before = tables;
    boolean first = schemaVersion < 0;
    schemaVersion = version;
    tables = now;
    lastSpecs.putAll(now);
    if (first) {
      return;
    }
    for (Group g : groups.values()) {
      review(g, table -> !Objects.equals(before.get(table), now.get(table)));
    }
  }

  /**
   * Makes a group's compatibility report again (after a schema change on either side): the rows of each table
   * whose projection to the client changed, or {@code changedOnServer} says changed, are sent again; queries are
   * checked again (now answerable, or no longer); connected clients get {@code schemaChanged}.
   */
  private void review(Group g, java.util.function.Predicate<String> changedOnServer) throws SQLException {
    dirty.add(g);
    CompatibilityReport report = Compatibility.report(g.schema, tables);
    ClientView old = g.view;
    g.view = ClientView.of(g.schema, report);
    Set<String> declared = new HashSet<>(g.schema.tables().keySet());
    declared.addAll(old.client().tables().keySet());
    for (String table : declared) {
      if (changedOnServer.test(table) || !old.columnsFor(table).equals(g.view.columnsFor(table))) {
        g.rows.touchTable(table);
      }
    }
    for (Sub sub : new ArrayList<>(g.subs.values())) {
      boolean available = !(QueryAvailability.check(sub.message.query(), report, g.schema)
          instanceof Availability.Unavailable);
      if (available != (sub.hash != null)) {
        add(g, sub.clientID, sub.message, null); // now answerable, or no longer
      }
    }
    String message = ServerMessage.schemaChanged(schemaVersion, report);
    g.sessions.forEach(s -> s.out().accept(message));
  }

  /**
   * Moves the views to the replica's latest version and pokes every client that needs it. Returns whether
   * another advance is due at once, even if the replica does not move (a view waits for its new index).
   */
  public boolean advance() throws SQLException {
    if (views == null) {
      return false; // detached: the rebuilt replica is not attached yet
    }
    long t0 = System.nanoTime();
    long commitMicros = metrics.upstreamCommitMicros(); // the advance covers at least this commit
    poked = false;
    Views.Advance adv = views.advance();
    var snapshot = views.snapshot();
    observeSchema(snapshot.schemaVersion(), snapshot.tables());
    long b = adv.version().value();
    String cookie = new Cookie(snapshot.replicaId(), b).toString();
    List<Runnable> sends = new ArrayList<>();
    try {
      pokeAll(adv, b, cookie, snapshot.replicaId(), sends);
    } catch (SQLException | RuntimeException e) {
      // The changes were stamped in memory but not sent: every client catches up from its cookie next time.
      groups.values().forEach(g -> g.sessions.forEach(s -> s.behind = true));
      dirty.addAll(groups.values());
      throw e;
    }
    sends.forEach(Runnable::run);
    metrics.advanced(System.nanoTime() - t0, b > lastVersion && lastVersion >= 0, poked, commitMicros);
    lastVersion = b;
    return adv.pending();
  }

  private void pokeAll(Views.Advance adv, long b, String cookie, String replicaId, List<Runnable> sends)
      throws SQLException {
    ClientViewRecords.Batch batch = records.batch();
    Set<Group> visit = new java.util.LinkedHashSet<>(dirty);
    for (QueryHash h : adv.updates().keySet()) {
      Map<Group, Integer> holders = byHash.get(h);
      if (holders != null) {
        visit.addAll(holders.keySet());
      }
    }
    dirty.clear();
    for (Group g : visit) {
      for (Map.Entry<String, Sub> e : g.subs.entrySet()) {
        follow(g, e.getKey(), e.getValue(), adv.updates().get(e.getValue().hash));
      }
      if (g.restoring != null) {
        if (!g.subs.values().stream().allMatch(sub -> sub.settled(views))) {
          continue; // its clients wait at their cookies until every query is answered
        }
        reconcile(g);
      }
      GroupRows.Commit commit = g.rows.commit(b);
      List<RowRef> pruned = g.rows.pruneTombstones(options.maxTombstonesPerGroup());
      boolean statuses = g.subs.values().stream().anyMatch(sub -> sub.changed);
      boolean poke = !commit.changes().isEmpty() || statuses
          || g.sessions.stream().anyMatch(s -> s.behind && s.writable.getAsBoolean());
      if (poke) {
        g.version = b;
      }
      if (poke || !commit.records().isEmpty() || !pruned.isEmpty()) {
        batch.group(g.id, replicaId, g.schemaJson, Math.max(g.version, 0), g.rows.horizon());
        for (GroupRows.Record r : commit.records()) {
          batch.row(g.id, r);
        }
        batch.dropRows(g.id, pruned);
      }
      if (poke) {
        pokes(g, commit.changes(), b, cookie, sends);
      }
      g.subs.values().forEach(sub -> sub.changed = false);
    }
    batch.commit(); // the records first: no client ever holds a cookie the records do not know
    for (Group g : visit) {
      if (waiting(g)) {
        dirty.add(g); // visited again at the next advance
      }
    }
  }

  /** Whether a group needs the next advance too: restoring, a query waiting for its view, a client behind. */
  private boolean waiting(Group g) {
    return g.restoring != null || g.sessions.stream().anyMatch(s -> s.behind)
        || g.subs.values().stream().anyMatch(sub -> !sub.settled(views));
  }

  /** Follows one query of a group through an advance: its rows, or its leaving (unavailable) or (re)joining. */
  private void follow(Group g, String key, Sub sub, Views.Update u) {
    if (sub.hash == null) {
      return;
    }
    Views.Status st = views.status(sub.hash);
    if (st != null && !st.available()) {
      if (sub.holding) {
        g.rows.drop(key);
        sub.holding = false;
      }
      status(sub, ServerMessage.QueryStatus.unavailable(sub.message.queryID(),
          st.errors().isEmpty() ? "unavailable" : st.errors().get(0).message(), st.errors()));
    } else if (sub.holding) {
      if (u != null) {
        g.rows.apply(key, u.patches());
      }
    } else {
      load(g, key, sub);
    }
  }

  /** A restored group's rows, answered anew, against its records: what matches keeps its version. */
  private void reconcile(Group g) {
    Set<RowRef> seen = new HashSet<>();
    for (Map.Entry<RowRef, ClientViewRecords.StoredRow> e : g.restoring.entrySet()) {
      RowRef ref = e.getKey();
      ClientViewRecords.StoredRow stored = e.getValue();
      var value = g.rows.value(ref);
      seen.add(ref);
      if (stored.live()) {
        if (value != null && ClientViewRecords.hash(value) == stored.hash()) {
          g.rows.restore(ref, stored.version());
        } else if (value == null) {
          g.rows.touch(ref); // gone meanwhile: a delete
        } // else changed meanwhile: its put stays
      } else if (value == null) {
        g.rows.restore(ref, stored.version()); // still a tombstone
      }
    }
    g.restoring = null;
  }

  private void pokes(Group g, List<RowPatch> changes, long b, String cookie, List<Runnable> sends) {
    Map<String, Map<String, PgType>> types = new HashMap<>();
    List<ServerMessage.RowOp> ops = null;
    for (Session s : g.sessions) {
      if (!s.writable.getAsBoolean()) {
        s.behind = true; // coalesced: it catches up from its cookie once its socket drains
        continue;
      }
      boolean reset = s.behind && (s.cookie < 0 || s.cookie < g.rows.horizon());
      List<ServerMessage.RowOp> rows;
      if (s.behind) {
        rows = project(g, reset ? g.rows.all() : g.rows.since(s.cookie), types);
      } else {
        if (ops == null) {
          ops = project(g, changes, types);
        }
        rows = ops;
      }
      List<ServerMessage.QueryStatus> statuses = new ArrayList<>();
      for (Sub sub : g.subs.values()) {
        if (sub.clientID.equals(s.clientID()) && sub.status != null && (s.behind || sub.changed)) {
          statuses.add(sub.status);
        }
      }
      if (!s.behind && rows.isEmpty() && statuses.isEmpty()) {
        continue; // nothing for this client: its cookie stays (no change for it in between)
      }
      String pokeID = g.id + "-" + (++g.pokes);
      List<String> messages = List.of(
          ServerMessage.pokeStart(pokeID, reset ? null : s.cookieText, schemaVersion, reset),
          ServerMessage.pokePart(pokeID, rows, statuses), ServerMessage.pokeEnd(pokeID, cookie));
      s.cookie = b;
      s.cookieText = cookie;
      s.behind = false;
      metrics.poke(rows.size());
      poked = true;
      sends.add(() -> messages.forEach(s.out()));
    }
  }

  private List<ServerMessage.RowOp> project(Group g, List<RowPatch> patches, Map<String, Map<String, PgType>> types) {
    List<ServerMessage.RowOp> ops = new ArrayList<>(patches.size());
    for (RowPatch p : patches) {
      TableSpec spec = lastSpecs.get(p.table());
      ServerMessage.RowOp op = spec == null ? null
          : g.view.rowOp(p, types.computeIfAbsent(p.table(), t -> ClientView.types(spec)));
      if (op != null) {
        ops.add(op);
      }
    }
    return ops;
  }

  /**
   * Unloads client groups without a connected client for longer than {@link Options#idleGroupMillis()}: their
   * views are let go; their records stay, and a client that reconnects restores them. Returns how many.
   */
  public int evictIdle() {
    long now = System.nanoTime();
    int evicted = 0;
    for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
      Group g = it.next();
      if (g.sessions.isEmpty() && now - g.idleSince > options.idleGroupMillis() * 1_000_000L) {
        for (Sub sub : g.subs.values()) {
          if (sub.hash != null) {
            unindex(g, sub.hash);
            if (views != null) {
              views.unsubscribe(sub.hash);
            }
          }
        }
        dirty.remove(g);
        it.remove();
        evicted++;
      }
    }
    return evicted;
  }

  /** How many views (pipelines) the groups' queries share. */
  public int pipelines() {
    return views == null ? 0 : views.pipelines();
  }

  /** The version of the last advance (-1 before the first): a replica to {@link #attach} must be at least there. */
  public long lastVersion() {
    return lastVersion;
  }

  /**
   * Lets go of the replica (about to be replaced by a rebuilt one) but keeps every client group with its queries
   * and rows, so that {@link #attach} to the new replica sends clients only the difference. Until then
   * {@link #advance} does nothing; {@code connect}, {@code subscribe} and {@code unsubscribe} must wait (the hub
   * holds them).
   */
  public void detach() throws SQLException {
    if (views == null) {
      return;
    }
    Views old = views;
    views = null;
    for (Group g : groups.values()) {
      for (Sub sub : g.subs.values()) {
        if (sub.hash != null && sub.holding) {
          sub.replacing = true;
        }
      }
    }
    old.close();
  }

  /**
   * Serves {@code store} (a rebuilt replica of the same upstream) after {@link #detach}: every query is
   * subscribed again on it; once its view is answered, its rows replace the old ones as a diff. The caller
   * attaches a replica only once it is at {@link #lastVersion()} or later, so versions never go back.
   */
  public void attach(ReplicaStore store) throws SQLException {
    if (views != null) {
      throw new IllegalStateException("attached already");
    }
    views = new Views(store, limits, Views.DEFAULT_MAX_INCREMENTAL_CHANGES);
    byHash.clear();
    for (Group g : groups.values()) {
      for (Map.Entry<String, Sub> e : g.subs.entrySet()) {
        Sub sub = e.getValue();
        if (sub.hash == null) {
          continue;
        }
        Result<QueryHash> r = views.subscribe(sub.message.query());
        if (!r.isOk()) {
          g.rows.drop(e.getKey());
          sub.hash = null;
          sub.holding = false;
          sub.replacing = false;
          status(sub, ServerMessage.QueryStatus.unavailable(sub.message.queryID(),
              "the query no longer validates on the rebuilt replica", r.errors()));
          continue;
        }
        sub.hash = r.orElseThrow();
        byHash.computeIfAbsent(sub.hash, h -> new HashMap<>()).merge(g, 1, Integer::sum);
        sub.holding = false;
      }
      dirty.add(g);
    }
  }

  /** How many clients are connected. */
  public int sessions() {
    return groups.values().stream().mapToInt(g -> g.sessions.size()).sum();
  }

  /** How many client groups are in memory. */
  public int groups() {
    return groups.size();
  }

  /** What it holds, for metrics: one pass over the groups. */
  public SyncMetrics.Counts counts() {
    int clients = 0;
    int degraded = 0;
    int queries = 0;
    for (Group g : groups.values()) {
      clients += g.sessions.size();
      if (g.view.report().status() != CompatibilityReport.Status.FULL) {
        degraded += g.sessions.size();
      }
      queries += g.subs.size();
    }
    return new SyncMetrics.Counts(clients, degraded, groups.size(), queries, pipelines()); // also while detached
  }

  @Override
  public void close() throws SQLException {
    try {
      if (views != null) {
        views.close();
      }
    } finally {
      records.close();
    }
  }

  /** A cookie: the replica's id and the version of a poke. */
  record Cookie(String replicaId, long version) {
    static Optional<Cookie> parse(String text) {
      if (text == null) {
        return Optional.empty();
      }
      int colon = text.indexOf(':');
      if (colon <= 0) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Cookie(text.substring(0, colon), Lsn.parse(text.substring(colon + 1)).value()));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }

    @Override
    public String toString() {
      return replicaId + ":" + Lsn.of(version);
    }
  }
}
