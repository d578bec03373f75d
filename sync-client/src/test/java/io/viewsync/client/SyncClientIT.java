package io.viewsync.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.ivm.PgOracleSql;
import io.viewsync.core.ivm.ResultNode;
import io.viewsync.core.protocol.ClientSchema;
import io.viewsync.core.query.Normalizer;
import io.viewsync.core.query.Query;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.replica.ReplicaOracle;
import io.viewsync.replica.ReplicaTesting;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ResyncResult;
import io.viewsync.replica.Snapshotter;
import io.viewsync.server.http.HttpServer;
import io.viewsync.server.http.HttpServerInitializer;
import io.viewsync.server.http.StatusProvider;
import io.viewsync.server.http.TableResyncer;
import io.viewsync.server.sync.SyncHub;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against the real server over a real socket: Postgres → replicator → {@link SyncHub} → the WebSocket at
 * {@code /sync/v1} → {@link SyncClient}. After every upstream transaction of a seeded random workload, each live
 * query's result (rows, order, limits, related rows) equals the same query run on Postgres itself
 * ({@link PgOracleSql}); when the HTTP server goes away and a new one comes up on the same port, the client
 * reconnects by itself and keeps following. The example of docs/client.md runs here too.
 */
@ExtendWith(PostgresExtension.class)
class SyncClientIT {
  private static final long WAIT_MILLIS = 60_000;

  /** Every column, as the server has them, so the client's rows are Postgres' rows. */
  static final ClientSchema SCHEMA = ClientSchema.parse("""
      {"tables": {
        "items": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}, "status": {"type": "text"},
                              "rank": {"type": "int4"}, "created": {"type": "timestamptz"}},
                  "primaryKey": ["id"]},
        "comments": {"columns": {"id": {"type": "int8"}, "item_id": {"type": "int8"}, "body": {"type": "text"}},
                     "primaryKey": ["id"]}}}""").orElseThrow();

  /** Open items of rank 2 or more, highest rank first, then oldest; five of them; each with its two latest comments. */
  private static final String TOP_OPEN = """
      {"table": "items",
       "where": {"type": "and", "conditions": [{"type": "cmp", "column": "status", "op": "=", "value": "open"},
                                               {"type": "cmp", "column": "rank", "op": ">=", "value": 2}]},
       "orderBy": [["rank", "desc"], ["created", "asc"]], "limit": 5,
       "related": [{"name": "comments", "correlation": {"parent": ["id"], "child": ["item_id"]},
                    "query": {"table": "comments", "orderBy": [["id", "desc"]], "limit": 2}}]}""";
  private static final String LATEST_COMMENTS = """
      {"table": "comments", "orderBy": [["id", "desc"]], "limit": 3}""";

  @TempDir
  static Path dir;
  private static SyncHub hub;
  private static Replicator replicator;
  private static Map<String, TableSpec> serverSchema;

  @BeforeAll
  static void startReplication(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE items (id int8 PRIMARY KEY, name text, status text, rank int4, created timestamptz)",
        "CREATE TABLE comments (id int8 PRIMARY KEY, item_id int8, body text)",
        "INSERT INTO items SELECT g, 'item ' || g, CASE WHEN g % 3 = 0 THEN 'closed' ELSE 'open' END, g % 7,"
            + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' FROM generate_series(1, 40) g",
        "INSERT INTO comments SELECT g, 1 + g % 40, 'comment ' || g FROM generate_series(1, 100) g");
    ReplicaTesting.createMarker(db);
    hub = new SyncHub("test", dir, io.viewsync.server.sync.ViewSyncer.Options.DEFAULTS);
    replicator = new Replicator(ReplicaTesting.config(db, dir), hub);
    hub.attach(replicator::store);
    replicator.start();
    assertThat(ReplicaOracle.await(120_000, () -> "streaming".equals(replicator.status().phase()))).isTrue();
    try (Snapshotter snapshots = new Snapshotter(replicator.store())) { // it closes its snapshot
      serverSchema = snapshots.current().tables();
    }
  }

  @AfterAll
  static void stopReplication() throws Exception {
    if (replicator != null) {
      replicator.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private static HttpServer startServer(int port) throws Exception {
    StatusProvider status = new StatusProvider() {
      @Override
      public boolean ready() {
        return true;
      }

      @Override
      public String notReadyReason() {
        return "";
      }

      @Override
      public Object status() {
        return Map.of();
      }
    };
    TableResyncer resyncer = table -> TableResyncer.Answer.of(ResyncResult.NOT_STREAMING);
    HttpServer http = new HttpServer("127.0.0.1", port, new HttpServerInitializer(status, resyncer,
        Optional.empty(), hub));
    http.start();
    return http;
  }

  private static URI uri(HttpServer http) {
    return URI.create("ws://127.0.0.1:" + http.port() + HttpServerInitializer.SYNC_PATH);
  }

  @Test
  void everyLiveQueryEqualsPostgresAfterEveryTransactionAndAcrossAServerRestart(TestDatabase db) throws Exception {
    Random random = new Random(ReplicaTesting.seed());
    List<SyncError> errors = new CopyOnWriteArrayList<>();
    HttpServer http = startServer(0);
    int port = http.port();
    try (Connection pg = db.connect();
         SyncClient client = SyncClient.builder().uri(uri(http)).clientGroupID("g-it").clientID("c1")
             .schema(SCHEMA).onError(errors::add).build()) {
      LiveQuery top = client.subscribe("top", TOP_OPEN);
      LiveQuery latest = client.subscribe("latest", LATEST_COMMENTS);
      List<LiveQuery> queries = List.of(top, latest);
      awaitEqual(pg, queries, "the first poke");
      assertThat(top.status()).isEqualTo(QueryResult.Status.COMPLETE);
      assertThat(latest.status()).isEqualTo(QueryResult.Status.COMPLETE);
      assertThat(top.rows()).as("the workload starts with a full window").hasSize(5);
      assertThat(client.compatibility().status().wire()).isEqualTo("full");
      assertThat(client.schemaVersion()).isPresent();

      int steps = ReplicaTesting.scaled(25, 250);
      for (int step = 0; step < steps; step++) {
        String sql = transaction(pg, random);
        // The server pokes a client only when something changed for it: until the change arrives, the client
        // differs from Postgres; a step that changed nothing the client sees leaves it equal.
        awaitEqual(pg, queries, "step " + step + ": " + sql);
      }

      long pokesBefore = client.stats().pokesApplied();
      http.close();
      assertThat(ReplicaOracle.await(WAIT_MILLIS, () -> !client.connected())).as("the socket is gone").isTrue();
      String changedWhileDown = transaction(pg, random);
      ReplicaTesting.marker(pg);
      http = startServer(port);
      assertThat(ReplicaOracle.await(WAIT_MILLIS, () -> client.connected() && client.stats().connects() == 2))
          .as("it reconnects by itself").isTrue();
      awaitEqual(pg, queries, "after the reconnect (" + changedWhileDown + ")");
      for (int step = 0; step < 5; step++) {
        String sql = transaction(pg, random);
        awaitEqual(pg, queries, "after the reconnect, step " + step + ": " + sql);
      }
      assertThat(client.stats().pokesApplied()).as("at least the catch-up poke").isGreaterThan(pokesBefore);
      assertThat(client.stats().resets()).as("resumed from its cookie: only the first poke was a reset").isEqualTo(1);
      assertThat(client.stats().rowsSinceConnect()).isLessThanOrEqualTo(client.stats().rowsReceived());
      assertThat(errors).isEmpty();
    } finally {
      http.close();
    }
  }

  @Test
  void theDocsExampleRuns(TestDatabase db) throws Exception {
    try (HttpServer http = startServer(0)) {
      List<String> lines = DocsExample.run(uri(http));
      try (Connection pg = db.connect(); Statement s = pg.createStatement();
           var rs = s.executeQuery("SELECT id, name FROM items WHERE status = 'open'"
               + " ORDER BY rank DESC, id LIMIT 10")) {
        List<String> expected = new ArrayList<>();
        while (rs.next()) {
          expected.add(rs.getLong(1) + " " + rs.getString(2));
        }
        assertThat(lines).isEqualTo(expected);
      }
    }
  }

  /**
   * Waits until each query is complete and equals
   * Postgres' answer; fails with both renderings otherwise.
   */
  private static void awaitEqual(Connection pg, List<LiveQuery> queries, String what) throws Exception {
    boolean ok = ReplicaOracle.await(WAIT_MILLIS, () -> {
      try {
        return matches(pg, queries);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    for (LiveQuery q : queries) {
      assertThat(render(q.result().rows())).as("%s: query %s", what, q.queryID()).isEqualTo(render(expected(pg, q)));
      assertThat(q.status()).as("%s: query %s", what, q.queryID()).isEqualTo(QueryResult.Status.COMPLETE);
    }
    assertThat(ok).as("%s: the client equals Postgres", what).isTrue();
  }

  private static boolean matches(Connection pg, List<LiveQuery> queries) throws SQLException {
    for (LiveQuery q : queries) {
      QueryResult r = q.result();
      if (r.status() != QueryResult.Status.COMPLETE || !render(r.rows()).equals(render(expected(pg, q)))) {
        return false;
      }
    }
    return true;
  }

  /** The query run on Postgres: every row of the result tree, in order. */
  private static List<ResultNode> expected(Connection pg, LiveQuery q) throws SQLException {
    Query normalized = new Normalizer(serverSchema).normalize(q.query());
    return PgOracleSql.evaluate(pg, normalized, serverSchema);
  }

  /** The client's result as the oracle's nodes, rendered to text that shows every value and the order. */
  private static String render(List<?> rows) {
    List<ResultNode> nodes = new ArrayList<>();
    for (Object o : rows) {
      nodes.add(o instanceof QueryRow r ? node(r) : (ResultNode) o);
    }
    return ResultNode.render(nodes);
  }

  private static ResultNode node(QueryRow r) {
    Map<String, List<ResultNode>> related = new LinkedHashMap<>();
    r.related().forEach((name, children) -> related.put(name, children.stream().map(SyncClientIT::node).toList()));
    return new ResultNode(r.table(), r.row().select(serverSchema.get(r.table()).keyColumns()), r.row(), related);
  }

  /** One random upstream transaction over both tables, returned as SQL for the failure message. */
  private static String transaction(Connection pg, Random random) throws SQLException {
    int item = 1 + random.nextInt(50);
    String sql = switch (random.nextInt(7)) {
      case 0 -> "UPDATE items SET status = CASE status WHEN 'open' THEN 'closed' ELSE 'open' END WHERE id = " + item;
      case 1 -> "UPDATE items SET rank = " + random.nextInt(8) + " WHERE id = " + item;
      case 2 -> "INSERT INTO items VALUES (" + item + ", 'new " + item + "', 'open', " + random.nextInt(8)
          + ", now()) ON CONFLICT (id) DO UPDATE SET created = now(), name = 'renamed " + item + "'";
      case 3 -> "DELETE FROM items WHERE id = " + item;
      case 4 -> "INSERT INTO comments VALUES (" + (1000 + random.nextInt(100_000)) + ", " + item + ", 'new')"
          + " ON CONFLICT DO NOTHING";
      case 5 -> "DELETE FROM comments WHERE id = (SELECT max(id) FROM comments WHERE item_id = " + item + ")";
      default -> "UPDATE comments SET body = 'edited " + random.nextInt(100) + "' WHERE item_id = " + item;
    };
    try (Statement s = pg.createStatement()) {
      s.execute(sql);
    }
    return sql;
  }

  /** A random query over the test's tables: where, order and limit vary; some carry related comments. */
  private static String randomQuery(Random random) {
    String related = random.nextBoolean() ? "" : """
        , "related": [{"name": "comments", "correlation": {"parent": ["id"], "child": ["item_id"]},
                       "query": {"table": "comments", "orderBy": [["id", "%s"]], "limit": %d}}]"""
        .formatted(random.nextBoolean() ? "asc" : "desc", 1 + random.nextInt(3));
    return switch (random.nextInt(4)) {
      case 0 -> """
          {"table": "items", "where": {"type": "cmp", "column": "status", "op": "=", "value": "%s"},
           "orderBy": [["rank", "%s"], ["created", "asc"]], "limit": %d%s}"""
          .formatted(random.nextBoolean() ? "open" : "closed", random.nextBoolean() ? "asc" : "desc",
              1 + random.nextInt(10), related);
      case 1 -> """
          {"table": "items", "where": {"type": "or", "conditions": [
             {"type": "cmp", "column": "rank", "op": ">=", "value": %d},
             {"type": "cmp", "column": "name", "op": "LIKE", "value": "new%%"}]},
           "orderBy": [["name", "asc"]]%s}""".formatted(3 + random.nextInt(4), related);
      case 2 -> """
          {"table": "comments", "where": {"type": "cmp", "column": "item_id", "op": "IN", "value": [%d, %d, %d]},
           "orderBy": [["id", "desc"]], "limit": %d}"""
          .formatted(1 + random.nextInt(50), 1 + random.nextInt(50), 1 + random.nextInt(50), 1 + random.nextInt(8));
      default -> """
          {"table": "items", "where": {"type": "cmp", "column": "id", "op": "<=", "value": %d}%s}"""
          .formatted(1 + random.nextInt(50), related);
    };
  }

  /**
   * Many clients, in groups of three, each with two or three random queries (some shared across groups, each
   * group's rows sent once however many of its queries hold them): after every transaction of a seeded random
   * workload every live query of every client equals Postgres' answer; now and then a client drops a query and
   * takes another. Sizes grow tenfold with {@code -Dviewsync.stress=true}.
   */
  @Test
  void manyClientsWithManyQueriesEachEqualPostgresAfterEveryTransaction(TestDatabase db) throws Exception {
    long seed = ReplicaTesting.seed();
    Random random = new Random(seed);
    int clientCount = ReplicaTesting.scaled(12, 60);
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < clientCount; i++) {
      pool.add(randomQuery(random));
    }
    List<SyncError> errors = new CopyOnWriteArrayList<>();
    HttpServer http = startServer(0);
    List<SyncClient> clients = new ArrayList<>();
    List<List<LiveQuery>> live = new ArrayList<>();
    try (Connection pg = db.connect()) {
      for (int c = 0; c < clientCount; c++) {
        SyncClient client = SyncClient.builder().uri(uri(http)).clientGroupID("many-" + (c / 3))
            .clientID("c" + c).schema(SCHEMA).onError(errors::add).build();
        clients.add(client);
        List<LiveQuery> qs = new ArrayList<>();
        for (int q = 0, n = 2 + random.nextInt(2); q < n; q++) {
          qs.add(client.subscribe("q" + q, pool.get(random.nextInt(pool.size()))));
        }
        live.add(qs);
      }
      List<LiveQuery> all = new ArrayList<>();
      live.forEach(all::addAll);
      awaitEqual(pg, all, "seed " + seed + ": the first pokes");
      int steps = ReplicaTesting.scaled(30, 300);
      for (int step = 0; step < steps; step++) {
        String what = transaction(pg, random);
        if (random.nextInt(5) == 0) {
          int c = random.nextInt(clientCount);
          List<LiveQuery> qs = live.get(c);
          LiveQuery dropped = qs.remove(random.nextInt(qs.size()));
          dropped.close();
          qs.add(clients.get(c).subscribe(dropped.queryID() + "x" + step, pool.get(random.nextInt(pool.size()))));
          what += "; client c" + c + " replaced " + dropped.queryID();
        }
        all.clear();
        live.forEach(all::addAll);
        awaitEqual(pg, all, "seed " + seed + " step " + step + ": " + what);
      }
      assertThat(errors).as("seed %d", seed).isEmpty();
    } finally {
      for (SyncClient c : clients) {
        c.close();
      }
      http.close();
    }
  }
}
