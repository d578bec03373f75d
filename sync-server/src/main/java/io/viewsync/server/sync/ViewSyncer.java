package io.viewsync.server.sync;

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
import io.viewsync.core.query.QueryHash;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.core.query.Result;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.view.RowPatch;
import io.viewsync.replica.ReplicaStore;
import io.viewsync.replica.Views;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The server side of sync protocol v1 (docs/protocol.md) without the transport: client groups, their queries over
 * the shared {@link Views}, and the pokes that move each group from one version to the next. A transport hands
 * it each client's messages and a {@code Consumer<String>} for the messages to send back.
 *
 * <p>Per client group: the queries of its clients (by client and query ID), each either waiting for its view,
 * holding its rows, or unavailable (it reads something the client's schema cannot receive, {@link
 * QueryAvailability}); the group's rows, each once however many queries hold it ({@link GroupRows}); and the
 * cookie of the last poke. {@link #advance()} moves every view to the replica's latest version and sends each
 * group that changed one poke: its row puts and deletes projected to each client's declared columns
 * ({@link ClientView#rowOp}), the query statuses that changed, and the new cookie.
 *
 * <p>Not yet: client view records on disk (a reconnecting group starts over with a reset poke), schemaChanged
 * and re-negotiation when the upstream schema changes, coalescing for slow clients, limits per client. The
 * cookie is the replica version the group's rows stand at.
 *
 * <p>Not thread-safe: one view-sync thread calls every method (never a Netty event loop).
 */
public final class ViewSyncer implements AutoCloseable {
  /** A connected client: where its messages go. */
  public record Session(String clientGroupID, String clientID, Consumer<String> out) {}

  private static final class Sub {
    final ClientMessage.Subscribe message;
    QueryHash hash; // null while unavailable
    boolean holding; // its rows are in the group's rows
    ServerMessage.QueryStatus.Status status;
    ServerMessage.QueryStatus pending; // a status change not yet poked

    Sub(ClientMessage.Subscribe message) {
      this.message = message;
    }
  }

  private static final class Group {
    final String id;
    final ClientSchema schema;
    final ClientView view;
    final GroupRows rows = new GroupRows();
    final Map<String, Sub> subs = new LinkedHashMap<>(); // clientID + '\0' + queryID
    final List<Session> sessions = new ArrayList<>();
    String cookie;
    boolean reset = true;
    int pokes;

    Group(String id, ClientSchema schema, ClientView view) {
      this.id = id;
      this.schema = schema;
      this.view = view;
    }
  }

  private final Views views;
  private final String serverVersion;
  private final Map<String, Group> groups = new LinkedHashMap<>();

  public ViewSyncer(ReplicaStore store, QueryLimits limits, String serverVersion) {
    this.views = new Views(store, limits, Views.DEFAULT_MAX_INCREMENTAL_CHANGES);
    this.serverVersion = serverVersion;
  }

  /** Handles {@code connect}: answers {@code connected} (or an error) through {@code out}; null on refusal. */
  public Session connect(ClientMessage.Connect connect, Consumer<String> out) throws SQLException {
    if (!ProtocolVersions.supports(connect.protocolVersion())) {
      out.accept(ServerMessage.error(ProtocolVersions.unsupported(Integer.toString(connect.protocolVersion()))));
      return null;
    }
    Map<String, TableSpec> server = views.snapshot().tables();
    Group g = groups.get(connect.clientGroupID());
    if (g == null) {
      CompatibilityReport report = Compatibility.report(connect.schema(), server);
      g = new Group(connect.clientGroupID(), connect.schema(), ClientView.of(connect.schema(), report));
      groups.put(g.id, g);
    }
    Session s = new Session(connect.clientGroupID(), connect.clientID(), out);
    g.sessions.add(s);
    g.reset = true; // no client view records yet: a (re)connecting client gets the group's whole state
    out.accept(ServerMessage.connected(ProtocolVersions.MAX, serverVersion, views.snapshot().schemaVersion(),
        g.view.report()));
    return s;
  }

  /** Handles {@code subscribe}; the rows follow in the next poke ({@link #advance()}). */
  public void subscribe(Session s, ClientMessage.Subscribe m) throws SQLException {
    Group g = groups.get(s.clientGroupID());
    String key = s.clientID() + '\0' + m.queryID();
    drop(g, key);
    Sub sub = new Sub(m);
    Availability a = QueryAvailability.check(m.query(), g.view.report(), g.schema);
    if (a instanceof Availability.Unavailable u) {
      status(sub, ServerMessage.QueryStatus.unavailable(m.queryID(), u.reason(), List.of()));
      g.subs.put(key, sub);
      return;
    }
    Result<QueryHash> r = views.subscribe(m.query());
    if (!r.isOk()) {
      ProtocolError e = new ProtocolError(ProtocolError.Kind.INVALID_QUERY, "the query does not validate",
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
              .set("errors", ServerMessage.errorsJson(r.errors())), m.queryID());
      s.out().accept(ServerMessage.error(e));
      return;
    }
    sub.hash = r.orElseThrow();
    status(sub, ServerMessage.QueryStatus.loading(m.queryID()));
    g.subs.put(key, sub);
    load(g, key, sub);
  }

  /** Handles {@code unsubscribe}. */
  public void unsubscribe(Session s, ClientMessage.Unsubscribe m) {
    Group g = groups.get(s.clientGroupID());
    String key = s.clientID() + '\0' + m.queryID();
    if (!g.subs.containsKey(key)) {
      s.out().accept(ServerMessage.error(new ProtocolError(ProtocolError.Kind.UNKNOWN_QUERY,
          "no query " + m.queryID(), null, m.queryID())));
      return;
    }
    drop(g, key);
  }

  /** The client's connection closed: its session goes; its queries stay with the group until it reconnects. */
  public void disconnect(Session s) {
    Group g = groups.get(s.clientGroupID());
    if (g != null) {
      g.sessions.remove(s);
    }
  }

  private void drop(Group g, String key) {
    Sub old = g.subs.remove(key);
    if (old != null) {
      g.rows.drop(key);
      if (old.hash != null) {
        views.unsubscribe(old.hash);
      }
    }
  }

  private void load(Group g, String key, Sub sub) {
    if (!sub.holding && sub.hash != null && views.pipeline(sub.hash) != null) {
      g.rows.load(key, views.rows(sub.hash));
      sub.holding = true;
      status(sub, ServerMessage.QueryStatus.complete(sub.message.queryID()));
    }
  }

  private static void status(Sub sub, ServerMessage.QueryStatus s) {
    if (sub.status != s.status()) {
      sub.status = s.status();
      sub.pending = s;
    }
  }

  /**
   * Moves the views to the replica's latest version and sends every group that changed its poke. Returns whether
   * another advance is due at once, even if the replica does not move (a view waits for its new index).
   */
  public boolean advance() throws SQLException {
    Views.Advance adv = views.advance();
    for (Group g : groups.values()) {
      for (Map.Entry<String, Sub> e : g.subs.entrySet()) {
        Sub sub = e.getValue();
        if (sub.hash == null) {
          continue;
        }
        Views.Update u = adv.updates().get(sub.hash);
        Views.Status st = views.status(sub.hash);
        if (st != null && !st.available()) {
          if (sub.holding) {
            g.rows.drop(e.getKey());
            sub.holding = false;
          }
          status(sub, ServerMessage.QueryStatus.unavailable(sub.message.queryID(),
              st.errors().isEmpty() ? "unavailable" : st.errors().get(0).message(), st.errors()));
        } else if (sub.holding) {
          if (u != null) {
            g.rows.apply(e.getKey(), u.patches());
          }
        } else {
          load(g, e.getKey(), sub);
        }
      }
      poke(g, adv);
    }
    return adv.pending();
  }

  private void poke(Group g, Views.Advance adv) throws SQLException {
    List<RowPatch> changes = g.reset ? g.rows.all() : g.rows.drain();
    if (g.reset) {
      g.rows.drain();
    }
    List<ServerMessage.QueryStatus> statuses = new ArrayList<>();
    for (Sub sub : g.subs.values()) {
      if (sub.pending != null || g.reset) {
        statuses.add(sub.pending != null ? sub.pending : current(sub));
        sub.pending = null;
      }
    }
    String cookie = adv.version().toString();
    if (!g.reset && changes.isEmpty() && statuses.isEmpty() && cookie.equals(g.cookie)) {
      return;
    }
    Map<String, TableSpec> server = views.snapshot().tables();
    Map<String, Map<String, io.viewsync.core.value.PgType>> types = new HashMap<>();
    List<ServerMessage.RowOp> ops = new ArrayList<>();
    for (RowPatch p : changes) {
      TableSpec spec = server.get(p.table());
      ServerMessage.RowOp op = spec == null ? null
          : g.view.rowOp(p, types.computeIfAbsent(p.table(), t -> ClientView.types(spec)));
      if (op != null) {
        ops.add(op);
      }
    }
    String pokeID = g.id + "-" + (++g.pokes);
    List<String> messages = List.of(
        ServerMessage.pokeStart(pokeID, g.reset ? null : g.cookie, views.snapshot().schemaVersion(), g.reset),
        ServerMessage.pokePart(pokeID, ops, statuses), ServerMessage.pokeEnd(pokeID, cookie));
    for (Session s : g.sessions) {
      messages.forEach(s.out());
    }
    g.cookie = cookie;
    g.reset = false;
  }

  private static ServerMessage.QueryStatus current(Sub sub) {
    String id = sub.message.queryID();
    return switch (sub.status) {
      case COMPLETE -> ServerMessage.QueryStatus.complete(id);
      case LOADING -> ServerMessage.QueryStatus.loading(id);
      default -> ServerMessage.QueryStatus.unavailable(id, "unavailable", List.of());
    };
  }

  /** How many views (pipelines) the groups' queries share. */
  public int pipelines() {
    return views.pipelines();
  }

  @Override
  public void close() throws SQLException {
    views.close();
  }
}
