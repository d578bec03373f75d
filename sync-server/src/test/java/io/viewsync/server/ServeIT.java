package io.viewsync.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.replica.ReplicaOracle;
import io.viewsync.server.sync.PokeClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The real service jar, as an operator runs it: endpoints, readiness, and startup failures that exit non-zero. */
@ExtendWith(PostgresExtension.class)
class ServeIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Process serve(Path dir, int port, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", System.getProperty("viewsync.jar"), "serve", "--replica-dir", dir.toString(),
        "--port", String.valueOf(port)));
    cmd.addAll(List.of(extra));
    if (!cmd.contains("--admin-token")) {
      cmd.addAll(List.of("--admin-token", ADMIN_TOKEN)); // admin endpoints are disabled without one
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile())
        .start();
  }

  private static String log(Path dir) throws IOException {
    return Files.readString(dir.resolveSibling(dir.getFileName() + ".log"), StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The admin token of the services these tests start, unless a test gives its own. */
  private static final String ADMIN_TOKEN = "serve-it-token";

  private static HttpResponse<String> get(int port, String path) {
    return get(port, path, ADMIN_TOKEN);
  }

  private static HttpResponse<String> get(int port, String path, String adminToken) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
      if (adminToken != null) {
        request.header("Authorization", "Bearer " + adminToken);
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return null;
    }
  }

  /** What a run of the CLI printed. */
  private record CliRun(int exit, String out) {}

  /** Runs {@code viewsync ARGS} from the jar, as an operator would, with VIEWSYNC_* taken from {@code env} only. */
  private static CliRun cli(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", System.getProperty("viewsync.jar")));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("VIEWSYNC_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new CliRun(p.exitValue(), out);
  }

  /** {@code state/rows} of a table in status, e.g. {@code syncing/501}; null when status does not answer. */
  private static String tableState(int port, String adminToken, String table) {
    HttpResponse<String> r = get(port, "/admin/status", adminToken);
    if (r == null || r.statusCode() != 200) {
      return null;
    }
    try {
      for (JsonNode t : JSON.readTree(r.body()).get("tables")) {
        if (t.get("name").asText().equals(table)) {
          return t.get("state").asText() + "/" + t.get("rows").asLong();
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private static String url(TestDatabase db) {
    return db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "user=" + db.user()
        + (db.password() == null ? "" : "&password=" + db.password());
  }

  @Test
  void theServiceReplicatesAndReportsReadinessAndStatus(TestDatabase db, @TempDir Path tmp) throws Exception {
    db.execute("CREATE TABLE issue (id int PRIMARY KEY, title text)", "CREATE TABLE keyless (a int)",
        "INSERT INTO issue SELECT g, 'issue ' || g FROM generate_series(1, 500) g");
    int port = freePort();
    Path dir = tmp.resolve("replica");
    Process p = serve(dir, port, "--upstream", url(db), "--slot", "serve_it");
    try {
      assertThat(ReplicaOracle.await(60_000, () -> {
        HttpResponse<String> r = get(port, "/readyz");
        return r != null && r.statusCode() == 200;
      })).as("ready; log:%n%s", log(dir)).isTrue();
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      db.execute("INSERT INTO issue VALUES (501, 'new')");
      assertThat(ReplicaOracle.await(30_000, () -> {
        try {
          JsonNode status = JSON.readTree(get(port, "/admin/status").body());
          for (JsonNode t : status.get("tables")) {
            if (t.get("name").asText().equals("issue") && t.get("rows").asLong() == 501) {
              return true;
            }
          }
          return false;
        } catch (IOException e) {
          return false;
        }
      })).as("status shows 501 rows; status %s", get(port, "/admin/status").body()).isTrue();
      JsonNode status = JSON.readTree(get(port, "/admin/status").body());
      assertThat(status.get("watermark").asText()).contains("/");
      assertThat(status.get("lagBytes").asLong()).isGreaterThanOrEqualTo(0);
      assertThat(status.get("schemaVersion").asLong()).isEqualTo(1);
      assertThat(status.has("schemaFingerprint")).as("present, null until known").isTrue();
      assertThat(status.has("ddlMode")).as("present, null until known").isTrue();
      assertThat(status.get("tables").toString()).contains("\"state\":\"syncing\"");
      assertThat(status.get("slotWalStatus").asText()).isEqualTo("reserved");
      assertThat(status.get("lagSeconds").asDouble()).isGreaterThanOrEqualTo(0);
      assertThat(status.get("sync").get("clients").asInt()).isZero();

      Map<String, String> env = Map.of("VIEWSYNC_PORT", String.valueOf(port), "VIEWSYNC_ADMIN_TOKEN", ADMIN_TOKEN);
      CliRun table = cli(env, "status");
      assertThat(table.exit()).as(table.out()).isZero();
      assertThat(table.out()).contains("phase        streaming").containsPattern("issue +syncing +501")
          .containsPattern("TABLE +STATE +ROWS");
      CliRun json = cli(env, "status", "--json");
      assertThat(json.exit()).as(json.out()).isZero();
      assertThat(JSON.readTree(json.out()).get("phase").asText()).isEqualTo("streaming");
      CliRun refused = cli(Map.of("VIEWSYNC_PORT", String.valueOf(port)), "status");
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.out()).contains("401").contains("VIEWSYNC_ADMIN_TOKEN");
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
  }

  @Test
  void aStartupProblemExitsNonZeroWithOneClearLine(@TempDir Path tmp) throws Exception {
    int dead = freePort();
    Path dir = tmp.resolve("replica");
    Process p = serve(dir, freePort(), "--upstream", "postgres://u:secret@127.0.0.1:" + dead + "/db");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(log(dir)).contains("cannot reach the upstream database").doesNotContain("secret");
  }

  @Test
  void withoutAnUpstreamTheServiceRunsOnAnEmbeddedPostgres(@TempDir Path tmp) throws Exception {
    int port = freePort();
    Path dir = Path.of("/tmp", "viewsync-serve-it-" + System.nanoTime()); // traversable by the server's user
    Process p = serve(dir, port);
    try {
      assertThat(ReplicaOracle.await(90_000, () -> {
        HttpResponse<String> r = get(port, "/readyz");
        return r != null && r.statusCode() == 200;
      })).as("ready; log:%n%s", log(dir)).isTrue();
      assertThat(Files.exists(dir.resolve("postgres").resolve("PG_VERSION"))).isTrue();
      assertThat(Files.exists(dir.resolve("replica.db"))).isTrue();
    } finally {
      p.destroy();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM, embedded Postgres included").isTrue();
      ProcessBuilder rm = new ProcessBuilder("rm", "-rf", dir.toString(), dir + ".log");
      rm.start().waitFor();
    }
  }

  @Test
  void readinessIs503WhileTheInitialCopyRunsAndStatusShowsItsProgress(TestDatabase db, @TempDir Path tmp)
      throws Exception {
    db.execute("CREATE TABLE bulk (id int PRIMARY KEY, a text, b text)",
        "INSERT INTO bulk SELECT g, md5(g::text), md5((g * 3)::text) FROM generate_series(1, 400000) g", "ANALYZE bulk");
    int port = freePort();
    Path dir = tmp.resolve("replica");
    Process p = serve(dir, port, "--upstream", url(db), "--slot", "serve_it_copy", "--publication", "bulk_pub",
        "--tables", "bulk");
    try {
      boolean saw503 = false;
      boolean sawProgress = false;
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        HttpResponse<String> ready = get(port, "/readyz");
        if (ready != null && ready.statusCode() == 503) {
          saw503 = true;
          HttpResponse<String> st = get(port, "/admin/status");
          if (st != null && st.statusCode() == 200) {
            JsonNode status = JSON.readTree(st.body());
            for (JsonNode t : status.get("tables")) {
              if ("copying".equals(status.get("phase").asText()) && t.get("estimate").asLong() == 400000) {
                sawProgress = true;
              }
            }
          }
        }
        if (ready != null && ready.statusCode() == 200) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(saw503).as("503 before the copy is done; log:%n%s", log(dir)).isTrue();
      assertThat(sawProgress).as("status showed copy progress with the table's row estimate").isTrue();
      assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
      assertThat(log(dir)).contains("initial copy done").contains("bulk 400000/400000");
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void anOperatorResyncsOneTableWithTheCliWhileTheOthersKeepStreaming(TestDatabase db, @TempDir Path tmp)
      throws Exception {
    db.execute("CREATE TABLE ticket (id int PRIMARY KEY, title text)", "CREATE TABLE tag (id int PRIMARY KEY)",
        "CREATE TABLE nokey (a int)", "INSERT INTO ticket SELECT g, 'ticket ' || g FROM generate_series(1, 2000) g");
    int port = freePort();
    Path dir = tmp.resolve("replica");
    Process p = serve(dir, port, "--upstream", url(db), "--slot", "serve_it_resync",
        "--publication", "resync_pub", "--tables", "ticket,tag,nokey", "--admin-token", "it-token");
    Map<String, String> env = Map.of("VIEWSYNC_PORT", String.valueOf(port), "VIEWSYNC_ADMIN_TOKEN", "it-token");
    try {
      assertThat(ReplicaOracle.await(60_000, () -> {
        HttpResponse<String> r = get(port, "/readyz");
        return r != null && r.statusCode() == 200;
      })).as("ready; log:%n%s", log(dir)).isTrue();

      CliRun noToken = cli(Map.of("VIEWSYNC_PORT", String.valueOf(port)), "resync", "ticket");
      assertThat(noToken.exit()).as(noToken.out()).isEqualTo(1);
      assertThat(noToken.out()).contains("VIEWSYNC_ADMIN_TOKEN");

      CliRun unknown = cli(env, "resync", "nope");
      assertThat(unknown.exit()).as(unknown.out()).isEqualTo(1);
      assertThat(unknown.out()).contains("no table nope");

      CliRun keyless = cli(env, "resync", "nokey"); // unsyncable, or not in the replica at all
      assertThat(keyless.exit()).as(keyless.out()).isEqualTo(1);
      assertThat(keyless.out()).contains("nokey");

      CliRun accepted = cli(env, "resync", "ticket");
      assertThat(accepted.exit()).as("%s; log:%n%s", accepted.out(), log(dir)).isZero();
      assertThat(accepted.out()).startsWith("resync of ticket accepted");
      db.execute("INSERT INTO ticket VALUES (2001, 'during the resync')", "INSERT INTO tag VALUES (1)");

      assertThat(ReplicaOracle.await(60_000, () -> "syncing/2001".equals(tableState(port, "it-token", "ticket"))
          && "syncing/1".equals(tableState(port, "it-token", "tag"))))
          .as("the resynced table and the other one end current; status %s; log:%n%s",
              get(port, "/admin/status", "it-token").body(), log(dir)).isTrue();
      assertThat(ReplicaOracle.await(60_000, () -> PromText.parse(get(port, "/metrics").body())
          .get("viewsync_replication_resyncs_done_total") >= 1)).as("the resync counted in /metrics").isTrue();
      Map<String, Double> metrics = PromText.parse(get(port, "/metrics").body());
      assertThat(metrics.get("viewsync_replication_resyncs_started_total")).isGreaterThanOrEqualTo(1.0);
      assertThat(metrics.get("viewsync_copy_rows_estimated")).as("no copy under way").isZero();
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** A WebSocket to the service that feeds a {@link PokeClient}. */
  private static java.net.http.WebSocket syncSocket(int port, PokeClient client) throws Exception {
    return HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/sync/v1"),
        new java.net.http.WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data,
              boolean last) {
            partial.append(data);
            if (last) {
              client.receive(partial.toString());
              partial.setLength(0);
            }
            ws.request(1);
            return null;
          }
        }).get(30, TimeUnit.SECONDS);
  }

  private static final String ITEMS_CONNECT = """
      {"type": "connect", "protocolVersion": 1, "clientGroupID": "g", "clientID": "c", "cookie": %s,
       "schema": {"tables": {"items": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}},
                                       "primaryKey": ["id"]}}}}""";
  private static final String ITEMS_SUBSCRIBE = """
      {"type": "subscribe", "queryID": "low",
       "query": {"table": "items", "where": {"type": "cmp", "column": "id", "op": "<", "value": 1000}}}""";

  private static Map<String, String> items(TestDatabase db) throws Exception {
    Map<String, String> out = new java.util.HashMap<>();
    try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
         java.sql.ResultSet rs = s.executeQuery("SELECT id, name FROM items WHERE id < 1000")) {
      while (rs.next()) {
        out.put("items {\"id\":" + rs.getLong(1) + "}", "{\"id\":" + rs.getLong(1) + ",\"name\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(rs.getString(2)) + "}");
      }
    }
    return out;
  }

  private static void awaitReady(int port, Path dir) throws Exception {
    assertThat(ReplicaOracle.await(90_000, () -> {
      HttpResponse<String> r = get(port, "/readyz");
      return r != null && r.statusCode() == 200;
    })).as("ready; log:%n%s", log(dir)).isTrue();
  }

  /**
   * The service is killed (SIGKILL) and started again: a client that reconnects with its cookie receives exactly
   * the rows that changed while it was away (the client view records in cvr.db survived the kill), and ends equal
   * to upstream.
   */
  @Test
  void afterASigkillAClientReconnectingWithItsCookieGetsOnlyTheChangedRows(TestDatabase db, @TempDir Path tmp)
      throws Exception {
    db.execute("CREATE TABLE items (id int8 PRIMARY KEY, name text)",
        "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 300) g");
    int port = freePort();
    Path dir = tmp.resolve("replica");
    String cookie;
    Process p = serve(dir, port, "--upstream", url(db), "--slot", "kill_it");
    try {
      awaitReady(port, dir);
      PokeClient c = new PokeClient();
      java.net.http.WebSocket ws = syncSocket(port, c);
      ws.sendText(ITEMS_CONNECT.formatted("null"), true).get();
      ws.sendText(ITEMS_SUBSCRIBE, true).get();
      assertThat(ReplicaOracle.await(30_000, () -> c.rowsNow().size() == 300)).as("log:%n%s", log(dir)).isTrue();
      db.execute("UPDATE items SET name = 'before the kill' WHERE id = 1");
      assertThat(ReplicaOracle.await(30_000, () -> c.rowsNow().get("items {\"id\":1}").contains("before the kill")))
          .isTrue();
      synchronized (c) {
        cookie = c.cookie;
      }
      assertThat(c.rowsNow()).isEqualTo(items(db));
    } finally {
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    db.execute("UPDATE items SET name = 'while down' WHERE id IN (10, 11, 12, 13, 14)",
        "DELETE FROM items WHERE id IN (20, 21)", "INSERT INTO items VALUES (301, 'a'), (302, 'b'), (303, 'c')",
        "INSERT INTO items VALUES (5000, 'outside the query')");
    Process again = serve(dir, port, "--upstream", url(db), "--slot", "kill_it");
    try {
      awaitReady(port, dir);
      PokeClient back = new PokeClient();
      // As the client held them at its cookie: the rows before the changes made while the service was down.
      synchronized (back) {
        back.cookie = cookie;
        for (int id = 1; id <= 300; id++) {
          back.rows.put("items {\"id\":" + id + "}", "{\"id\":" + id + ",\"name\":\""
              + (id == 1 ? "before the kill" : "item " + id) + "\"}");
        }
      }
      java.net.http.WebSocket ws = syncSocket(port, back);
      ws.sendText(ITEMS_CONNECT.formatted("\"" + cookie + "\""), true).get();
      ws.sendText(ITEMS_SUBSCRIBE, true).get();
      Map<String, String> upstream = items(db);
      // The changes may reach the restarted replica in more than one advance: count every poke until equal.
      assertThat(ReplicaOracle.await(60_000, () -> back.rowsNow().equals(upstream))).as("log:%n%s", log(dir))
          .isTrue();
      assertThat(back.allPokes()).as("5 updates, 2 deletes, 3 inserts, no reset; log:%n%s", log(dir))
          .isEqualTo("10 rows, 0 resets");
      assertThat(back.statusesNow()).isEqualTo(Map.of("low", "complete"));
      assertThat(log(dir)).contains("client group g restored from its records");
    } finally {
      again.destroy();
      assertThat(again.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
  }

  /**
   * {@code GET /metrics} scraped during a workload: Prometheus' own parser ({@code promtool check metrics}) accepts
   * it, and the figures move with the workload — rows applied, transactions, pokes, the connected client, a
   * protocol error, poke latency — while lag, slot health, tables by state and JVM metrics are there.
   */
  @Test
  void metricsParseAsPrometheusTextAndMoveWithTheWorkload(TestDatabase db, @TempDir Path tmp) throws Exception {
    // Its own table: the class shares one database, and another test makes "items".
    db.execute("CREATE TABLE gauged (id int8 PRIMARY KEY, name text)",
        "INSERT INTO gauged SELECT g, 'item ' || g FROM generate_series(1, 300) g");
    int port = freePort();
    Path dir = tmp.resolve("replica");
    Process p = serve(dir, port, "--upstream", url(db), "--slot", "metrics_it");
    try {
      awaitReady(port, dir);
      PokeClient c = new PokeClient();
      java.net.http.WebSocket ws = syncSocket(port, c);
      ws.sendText(ITEMS_CONNECT.formatted("null").replace("\"items\"", "\"gauged\""), true).get();
      ws.sendText(ITEMS_SUBSCRIBE.replace("\"items\"", "\"gauged\""), true).get();
      assertThat(ReplicaOracle.await(30_000, () -> c.rowsNow().size() == 300)).as("log:%n%s", log(dir)).isTrue();
      HttpResponse<String> first = get(port, "/metrics");
      assertThat(first.statusCode()).isEqualTo(200);
      assertThat(first.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
      PromText.check(first.body());
      Map<String, Double> before = PromText.parse(first.body());

      db.execute(java.util.stream.IntStream.rangeClosed(1, 200)
          .mapToObj(i -> "UPDATE gauged SET name = 'round " + i + "' WHERE id = " + i).toArray(String[]::new));
      ws.sendText("{not json", true).get();
      assertThat(ReplicaOracle.await(30_000, () -> c.rowsNow().get("gauged {\"id\":200}").contains("round 200")))
          .as("log:%n%s", log(dir)).isTrue();
      // Gauges of the sync side are published once a second.
      assertThat(ReplicaOracle.await(10_000, () -> PromText.parse(get(port, "/metrics").body())
          .getOrDefault("viewsync_sync_clients", 0.0) == 1.0)).isTrue();
      String text = get(port, "/metrics").body();
      Files.writeString(Path.of("target", "metrics-sample.prom"), text); // kept for a look: what Prometheus sees
      PromText.check(text);
      Map<String, Double> after = PromText.parse(text);

      assertThat(after.get("viewsync_replication_rows_total{op=\"update\"}")
          - before.getOrDefault("viewsync_replication_rows_total{op=\"update\"}", 0.0)).isEqualTo(200.0);
      assertThat(after.get("viewsync_replication_transactions_total")
          - before.get("viewsync_replication_transactions_total")).isGreaterThanOrEqualTo(200.0);
      assertThat(after.get("viewsync_sync_pokes_total")).isGreaterThan(before.get("viewsync_sync_pokes_total"));
      assertThat(after.get("viewsync_sync_poke_latency_seconds_count")).isGreaterThan(0.0);
      assertThat(after.get("viewsync_sync_protocol_errors_total{kind=\"malformed\"}")).isEqualTo(1.0);
      assertThat(after.get("viewsync_sync_queries")).isEqualTo(1.0);
      assertThat(after.get("viewsync_sync_pipelines")).isEqualTo(1.0);
      assertThat(after.get("viewsync_sync_clients_degraded")).isEqualTo(0.0);
      assertThat(after.get("viewsync_ready")).isEqualTo(1.0);
      assertThat(after.get("viewsync_replication_phase{phase=\"streaming\"}")).isEqualTo(1.0);
      // Other tests of the class leave tables in the database: each is syncing or unsyncable.
      assertThat(after.get("viewsync_tables{state=\"syncing\"}")).isGreaterThanOrEqualTo(1.0);
      assertThat(after.get("viewsync_tables{state=\"quarantined\"}")).isZero();
      assertThat(after.get("viewsync_schema_version")).isGreaterThanOrEqualTo(1.0);
      assertThat(after.get("viewsync_replication_watermark")).isGreaterThan(before.get("viewsync_replication_watermark"));
      assertThat(after.get("viewsync_replication_lag_bytes")).isGreaterThanOrEqualTo(0.0);
      assertThat(after.get("viewsync_replication_lag_seconds")).isGreaterThanOrEqualTo(0.0);
      assertThat(after.get("viewsync_slot_retained_bytes")).isGreaterThan(0.0);
      assertThat(after.get("viewsync_slot_wal_status{status=\"reserved\"}")).isEqualTo(1.0);
      assertThat(after.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes"))
          .contains("process_uptime_seconds");
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    }
  }
}
