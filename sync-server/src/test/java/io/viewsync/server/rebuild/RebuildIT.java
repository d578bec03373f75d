package io.viewsync.server.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewsync.core.protocol.ServerEvent;
import io.viewsync.core.protocol.ServerMessage;
import io.viewsync.core.protocol.ServerMessageReader;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.replica.ReplicaOracle;
import io.viewsync.replica.ReplicaStore;
import io.viewsync.replica.ReplicaTesting;
import io.viewsync.replica.ReplicatorConfig;
import io.viewsync.server.http.HttpServer;
import io.viewsync.server.http.HttpServerInitializer;
import io.viewsync.server.http.EmbeddedStatus;
import io.viewsync.server.sync.PokeClient;
import io.viewsync.server.sync.SyncHub;
import io.viewsync.server.sync.ViewSyncer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The online rebuild (DESIGN §5, promise 5) under load: a client connected with a live query while writes stream
 * at a steady rate; {@code POST /admin/rebuild} builds a new replica from a new slot and swaps it in; the client is
 * never disconnected, keeps getting pokes, and ends equal to upstream; the old slot is dropped; a restart
 * continues the rebuilt replica from the slot it records.
 */
@ExtendWith(PostgresExtension.class)
class RebuildIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN = "rebuild-it";

  private static final String CONNECT = """
      {"type": "connect", "protocolVersion": 1, "clientGroupID": "g", "clientID": "c", "cookie": null,
       "schema": {"tables": {"items": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}},
                                       "primaryKey": ["id"]}}}}""";
  private static final String SUBSCRIBE = """
      {"type": "subscribe", "queryID": "low",
       "query": {"table": "items", "where": {"type": "cmp", "column": "id", "op": "<", "value": 1000}}}""";

  /** Feeds a {@link PokeClient} and notes when each poke ended and whether the server closed. */
  private static final class Socket implements WebSocket.Listener {
    final PokeClient client = new PokeClient();
    final List<Long> pokeEnds = new ArrayList<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    volatile boolean counting; // from when the client holds its rows
    volatile int largestPart; // the most row ops in one pokePart since then
    volatile int resent; // puts of a row the client held with the same value since then

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String m = partial.toString();
        partial.setLength(0);
        if (m.contains("\"type\":\"pokePart\"") && counting
            && ServerMessageReader.parse(m) instanceof ServerEvent.PokePart part) {
          largestPart = Math.max(largestPart, part.rows().size());
          Map<String, String> held = client.rowsNow(); // as before this poke (it applies at its end)
          for (ServerMessage.RowOp op : part.rows()) {
            if (op.op() == ServerMessage.RowOp.Op.PUT
                && op.value().toString().equals(held.get(op.table() + " " + op.key()))) {
              resent++; // a row the client holds, sent again unchanged
            }
          }
        }
        client.receive(m);
        if (m.contains("\"type\":\"pokeEnd\"")) {
          synchronized (pokeEnds) {
            pokeEnds.add(System.nanoTime());
          }
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      closed.complete(code);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(1006);
    }

    /** The largest gap between two pokes ending within [from, to], in ms. */
    long largestGapMillis(long from, long to) {
      long max = 0;
      long prev = from;
      synchronized (pokeEnds) {
        for (long t : pokeEnds) {
          if (t >= from && t <= to) {
            max = Math.max(max, t - prev);
            prev = t;
          }
        }
      }
      return Math.max(max, to - prev) / 1_000_000;
    }
  }

  private static Map<String, String> items(TestDatabase db) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT id, name FROM items WHERE id < 1000")) {
      while (rs.next()) {
        out.put("items {\"id\":" + rs.getLong(1) + "}", "{\"id\":" + rs.getLong(1) + ",\"name\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(rs.getString(2)) + "}");
      }
    }
    return out;
  }

  private static List<String> slots(TestDatabase db) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT slot_name FROM pg_replication_slots WHERE database = current_database()"
             + " AND NOT temporary")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static HttpResponse<String> admin(int port, String method) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/rebuild"))
        .header("Authorization", "Bearer " + TOKEN);
    r = method.equals("POST") ? r.POST(HttpRequest.BodyPublishers.noBody()) : r.GET();
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRebuildUnderLoadSwapsInANewReplicaWhileTheClientStaysConnectedAndEndsEqual(TestDatabase db,
      @TempDir Path dir) throws Exception {
    // Sizes: CI's by default; -Dviewsync.stress=true for 1,000,000 rows; the benchmark of docs/benchmarks.md §9
    // sets -Dviewsync.rebuild.rows=5000000 -Dviewsync.rebuild.tables=3 -Dviewsync.rebuild.rate=500.
    int total = Integer.getInteger("viewsync.rebuild.rows", ReplicaTesting.scaled(50_000, 1_000_000));
    int tables = Integer.getInteger("viewsync.rebuild.tables", 1);
    int rate = Integer.getInteger("viewsync.rebuild.rate", 100); // upstream transactions per second
    int rows = total / tables;
    // The class shares one database: each test makes its own items table and its own slot names.
    db.execute("DROP TABLE IF EXISTS items", "CREATE TABLE items (id int8 PRIMARY KEY, name text)",
        "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, " + rows + ") g");
    for (int t = 2; t <= tables; t++) {
      db.execute("DROP TABLE IF EXISTS filler" + t, "CREATE TABLE filler" + t + " (id int8 PRIMARY KEY, name text,"
          + " at timestamptz DEFAULT now())", "INSERT INTO filler" + t + " SELECT g, md5(g::text) FROM"
          + " generate_series(1, " + rows + ") g");
    }
    ReplicaTesting.createMarker(db);
    ReplicatorConfig config = ReplicaTesting.config(db, dir);
    String replicaId;
    try (SyncHub hub = new SyncHub("test", dir, ViewSyncer.Options.DEFAULTS);
         Replicas replicas = new Replicas(config, hub)) {
      hub.attach(replicas::store);
      long copyStart = System.nanoTime();
      replicas.start();
      assertThat(ReplicaOracle.await(600_000, () -> "streaming".equals(replicas.current().status().phase())))
          .isTrue();
      double initialCopySeconds = (System.nanoTime() - copyStart) / 1e9; // the reference: the same copy, offline
      replicaId = ReplicaStore.recorded(dir).orElseThrow().replicaId();

      try (HttpServer http = new HttpServer("127.0.0.1", 0, new HttpServerInitializer(EmbeddedStatus.READY,
          t -> null, Optional.of(TOKEN), hub, null, replicas.rebuilder()))) {
        http.start();
        assertThat(JSON.readTree(admin(http.port(), "GET").body()).get("state").asText()).isEqualTo("idle");
        Socket socket = new Socket();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + http.port()
            + HttpServerInitializer.SYNC_PATH), socket).get(30, TimeUnit.SECONDS);
        ws.sendText(CONNECT, true).get();
        ws.sendText(SUBSCRIBE, true).get();
        assertThat(ReplicaOracle.await(30_000, () -> socket.client.rowsNow().size() == 999)).isTrue();
        socket.counting = true;

        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
          try (Connection c = db.connect(); Statement s = c.createStatement()) {
            long next = System.nanoTime();
            for (int n = 1; writing.get(); n++) {
              s.execute("UPDATE items SET name = 'write " + n + "' WHERE id = " + (1 + n % 999));
              if (n % 10 == 0) {
                s.execute("INSERT INTO items VALUES (" + (rows + n) + ", 'new " + n + "')");
              }
              if (n % 7 == 0) { // rows leave the query and come back: a swap must not keep a deleted one
                s.execute("DELETE FROM items WHERE id = " + (1 + (n * 13) % 999));
                s.execute("INSERT INTO items VALUES (" + (1 + ((n - 7) * 13) % 999) + ", 'back " + n + "')"
                    + " ON CONFLICT (id) DO NOTHING");
              }
              next += 1_000_000_000L / rate;
              long wait = next - System.nanoTime();
              if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
              }
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        writer.start();
        Thread.sleep(500);

        long t0 = System.nanoTime();
        HttpResponse<String> started = admin(http.port(), "POST");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        HttpResponse<String> again = admin(http.port(), "POST");
        assertThat(again.statusCode()).as("one rebuild at a time: %s", again.body()).isEqualTo(200);
        List<String> states = new ArrayList<>();
        assertThat(ReplicaOracle.await(1_200_000, () -> {
          try {
            JsonNode st = JSON.readTree(admin(http.port(), "GET").body());
            String state = st.get("state").asText();
            if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
              states.add(state);
            }
            return state.equals("done") || state.equals("failed");
          } catch (Exception e) {
            return false;
          }
        })).isTrue();
        long t1 = System.nanoTime();
        JsonNode done = JSON.readTree(admin(http.port(), "GET").body());
        Thread.sleep(1_000); // writes go on after the swap
        writing.set(false);
        writer.join();

        assertThat(done.get("state").asText()).as("rebuild %s", done).isEqualTo("done");
        assertThat(done.get("rowsDone").asLong()).isGreaterThanOrEqualTo((long) rows * tables);
        assertThat(states).as("states seen").contains("done").doesNotContain("failed");
        ReplicaTesting.createMarker(db);
        Map<String, String> upstream = items(db);
        assertThat(ReplicaOracle.await(60_000, () -> socket.client.rowsNow().equals(upstream))).as(
            "the client ends equal to upstream").isTrue();
        assertThat(socket.closed).as("never disconnected").isNotDone();
        long gap = socket.largestGapMillis(t0, t1);
        double seconds = (t1 - t0) / 1e9;
        System.out.printf("online rebuild of %,d rows in %d tables at %d tx/s: %.1f s (%,.0f rows/s; initial copy of"
            + " the same %.1f s, ratio %.2f); states %s; swap %s ms; largest gap between pokes %d ms; largest poke %d"
            + " rows, %d rows resent unchanged%n", rows * tables, tables, rate, seconds, rows * tables / seconds,
            initialCopySeconds, seconds / initialCopySeconds, states, done.path("swapMillis"), gap, socket.largestPart,
            socket.resent);
        assertThat(socket.resent).as("rows sent again unchanged: the swap sends only the difference").isZero();
        assertThat(gap).as("largest gap between pokes during the rebuild").isLessThan(
            Long.getLong("viewsync.rebuild.maxGapMillis", 5_000));
        assertThat(slots(db)).as("the old slot dropped, the new one in use")
            .contains(Replicas.alternate(config.slot())).doesNotContain(config.slot());
        assertThat(Files.exists(dir.resolve(Replicas.REBUILD_DIR))).isFalse();
        assertThat(ReplicaStore.recorded(dir).orElseThrow().replicaId()).as("cookies stay valid").isEqualTo(replicaId);
      }
    }
    // A restart continues the rebuilt replica from the slot it records: no copy again.
    try (SyncHub hub = new SyncHub("test", dir, ViewSyncer.Options.DEFAULTS);
         Replicas replicas = new Replicas(config, hub)) {
      hub.attach(replicas::store);
      replicas.start();
      assertThat(ReplicaOracle.await(60_000, () -> "streaming".equals(replicas.current().status().phase()))).isTrue();
      assertThat(slots(db)).contains(Replicas.alternate(config.slot())).doesNotContain(config.slot());
      assertThat(ReplicaStore.recorded(dir).orElseThrow().replicaId()).isEqualTo(replicaId);
    }
  }

  /**
   * Automatic recovery: the slot is lost while the service is down (dropped here; a slot invalidated by
   * max_slot_wal_keep_size takes the same path). At the next start the replica is served as it is (stale) — a
   * client connects and gets its rows at once — while an online rebuild runs by itself; the client then gets what
   * changed meanwhile and ends equal to upstream, without an operator and without a disconnect.
   */
  @Test
  void aLostSlotLeadsToAnAutomaticOnlineRebuildWhileTheStaleReplicaServes(TestDatabase db, @TempDir Path dir)
      throws Exception {
    db.execute("DROP TABLE IF EXISTS items", "CREATE TABLE items (id int8 PRIMARY KEY, name text)",
        "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g");
    ReplicaTesting.createMarker(db);
    ReplicatorConfig base = ReplicaTesting.config(db, dir);
    ReplicatorConfig config = base.withSlot(base.slot() + "_lost");
    try (SyncHub hub = new SyncHub("test", dir, ViewSyncer.Options.DEFAULTS);
         Replicas replicas = new Replicas(config, hub)) {
      hub.attach(replicas::store);
      replicas.start();
      assertThat(ReplicaOracle.await(60_000, () -> "streaming".equals(replicas.current().status().phase()))).isTrue();
    }
    db.execute("SELECT pg_drop_replication_slot('" + config.slot() + "')",
        "UPDATE items SET name = 'while down' WHERE id IN (1, 2, 3)", "DELETE FROM items WHERE id = 4",
        "DELETE FROM items WHERE id = 999", "INSERT INTO items VALUES (999, 'back while down')");
    Map<String, String> upstream = items(db);

    try (SyncHub hub = new SyncHub("test", dir, ViewSyncer.Options.DEFAULTS);
         Replicas replicas = new Replicas(config, hub)) {
      hub.attach(replicas::store);
      replicas.start();
      // Readable once it says so: stale (the automatic rebuild running) or, on a fast machine, streaming again.
      assertThat(ReplicaOracle.await(60_000, () -> List.of("stale", "streaming")
          .contains(replicas.current().status().phase()))).isTrue();
      try (HttpServer http = new HttpServer("127.0.0.1", 0, new HttpServerInitializer(EmbeddedStatus.READY,
          t -> null, Optional.of(TOKEN), hub, null, replicas.rebuilder()))) {
        http.start();
        Socket socket = new Socket();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + http.port()
            + HttpServerInitializer.SYNC_PATH), socket).get(30, TimeUnit.SECONDS);
        ws.sendText(CONNECT, true).get();
        ws.sendText(SUBSCRIBE, true).get();
        assertThat(ReplicaOracle.await(60_000, () -> socket.client.rowsNow().equals(upstream)))
            .as("the client ends equal to upstream; rebuild %s; closed %s", replicas.status(), socket.closed)
            .isTrue();
        assertThat(ReplicaOracle.await(30_000, () -> replicas.status().state().equals("done"))).as("%s",
            replicas.status()).isTrue();
        assertThat(replicas.current().status().phase()).isEqualTo("streaming");
        assertThat(slots(db)).contains(Replicas.alternate(config.slot())).doesNotContain(config.slot());
        assertThat(socket.closed).as("never disconnected").isNotDone();
      }
    }
  }

  /** A rebuild that fails (here: its new replicator cannot reach Postgres) says why and leaves the serving replica
   * as it was: still streaming, its slot kept, no rebuild folder or slot left behind. */
  @Test
  void aRebuildThatFailsSaysWhyAndLeavesTheServingReplicaUntouched(TestDatabase db, @TempDir Path dir)
      throws Exception {
    db.execute("CREATE TABLE IF NOT EXISTS kept (id int8 PRIMARY KEY)", "INSERT INTO kept VALUES (1)");
    ReplicatorConfig base = ReplicaTesting.config(db, dir);
    ReplicatorConfig config = base.withSlot(base.slot() + "_fail");
    java.util.function.UnaryOperator<ReplicatorConfig> unreachable = c -> new ReplicatorConfig(
        new io.viewsync.core.source.pg.PgConnector("jdbc:postgresql://127.0.0.1:1/nowhere", new java.util.Properties()),
        c.replicaDir(), c.slot(), c.publication(), c.tables(), c.copyWorkers(), c.heartbeatInterval(),
        c.maxBatchRows(), c.maxBatchMillis());
    try (SyncHub hub = new SyncHub("test", dir, ViewSyncer.Options.DEFAULTS);
         Replicas replicas = new Replicas(config, hub, unreachable)) {
      hub.attach(replicas::store);
      replicas.start();
      assertThat(ReplicaOracle.await(60_000, () -> "streaming".equals(replicas.current().status().phase()))).isTrue();
      io.viewsync.replica.Replicator serving = replicas.current();
      assertThat(replicas.rebuild().started()).isTrue();
      assertThat(ReplicaOracle.await(60_000, () -> replicas.status().state().equals("failed"))).as("%s",
          replicas.status()).isTrue();
      assertThat(replicas.status().error()).isNotBlank();
      assertThat(replicas.current()).as("the serving replicator is the same").isSameAs(serving);
      db.execute("INSERT INTO kept VALUES (2)");
      ReplicaTesting.createMarker(db);
      assertThat(ReplicaOracle.await(30_000, () -> "streaming".equals(serving.status().phase())
          && serving.status().tables().stream().anyMatch(t -> t.name().equals("kept")))).isTrue();
      assertThat(slots(db)).contains(config.slot()).doesNotContain(Replicas.alternate(config.slot()));
      assertThat(Files.exists(dir.resolve(Replicas.REBUILD_DIR))).isFalse();
      assertThat(replicas.rebuild().started()).as("a new one may start after a failure").isTrue();
    }
  }
}
