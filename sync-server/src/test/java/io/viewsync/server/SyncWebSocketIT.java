package io.viewsync.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.protocol.FuzzMessages;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.replica.ReplicaOracle;
import io.viewsync.replica.ReplicaTesting;
import io.viewsync.replica.Replicator;
import io.viewsync.server.http.HttpServer;
import io.viewsync.server.http.HttpServerInitializer;
import io.viewsync.server.sync.SyncFrameHandler;
import io.viewsync.server.sync.SyncHub;
import io.viewsync.server.sync.ViewSyncer;
import java.util.List;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Protocol v1 over a real WebSocket on the HTTP port (the JDK's client): connect, subscribe, the first poke, an
 * upstream change arriving as the next poke; bad input answered with a structured error on a connection that
 * stays usable; an unsupported protocol version refused with the supported range and close code 4001.
 */
@ExtendWith(PostgresExtension.class)
class SyncWebSocketIT {

  /** A WebSocket client that queues every text message it receives, and the close code. */
  private static final class Listener implements WebSocket.Listener {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    volatile boolean paused; // stops asking for more: the socket is no longer read

    int errors() {
      return (int) messages.stream().filter(m -> m.contains("\"type\":\"error\"")).count() + errorsTaken;
    }

    private int errorsTaken;

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(1006);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      if (!paused) {
        ws.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    String next() throws InterruptedException {
      String m = messages.poll(30, TimeUnit.SECONDS);
      assertThat(m).as("a message within 30 s").isNotNull();
      if (m.contains("\"type\":\"error\"")) {
        errorsTaken++;
      }
      return m;
    }

    private final List<String> taken = new java.util.ArrayList<>();

    /**
     * Waits (at most 30 s) for a message with {@code fragment}, skipping others; false if the connection closed
     * first.
     */
    boolean awaitUnlessClosed(String fragment) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < end) {
        String m = messages.poll(100, TimeUnit.MILLISECONDS);
        if (m != null) {
          taken.add(m);
          if (m.contains(fragment)) {
            return true;
          }
        } else if (closed.isDone()) {
          return false;
        }
      }
      return false;
    }

    /** Every message received, those already taken first. */
    List<String> all() {
      List<String> out = new java.util.ArrayList<>(taken);
      out.addAll(messages);
      return out;
    }

    /** The next message of {@code type}, skipping others. */
    String next(String type) throws InterruptedException {
      return nextContaining("\"type\":\"" + type + "\"");
    }

    /** The next message that contains {@code fragment}, skipping others (pokes come as the views advance). */
    String nextContaining(String fragment) throws InterruptedException {
      for (int i = 0; i < 10_000; i++) {
        String m = next();
        if (m.contains(fragment)) {
          return m;
        }
      }
      throw new AssertionError("no message with " + fragment);
    }
  }

  private static final String CONNECT = """
      {"type": "connect", "protocolVersion": 1, "clientGroupID": "g1", "clientID": "c1", "cookie": null,
       "schema": {"tables": {"items": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}},
                                       "primaryKey": ["id"]}}}}""";

  @Test
  void aChangeUpstreamArrivesAsAPokeOverTheWebSocket(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE items (id int8 PRIMARY KEY, name text)", "INSERT INTO items VALUES (1, 'one')");
    try (SyncHub hub = new SyncHub("test", dir, io.viewsync.server.sync.ViewSyncer.Options.DEFAULTS);
         Replicator r = new Replicator(ReplicaTesting.config(db, dir), hub)) {
      hub.attach(r::store);
      r.start();
      assertThat(ReplicaOracle.await(60_000, () -> "streaming".equals(r.status().phase()))).isTrue();
      try (HttpServer http = new HttpServer("127.0.0.1", 0, new HttpServerInitializer(
          new ReplicatorStatusProvider(r, Long.MAX_VALUE), ReplicatorResyncer.of(r), Optional.empty(), hub))) {
        http.start();
        URI uri = URI.create("ws://127.0.0.1:" + http.port() + HttpServerInitializer.SYNC_PATH);
        Listener l = new Listener();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, l).get(30, TimeUnit.SECONDS);

        ws.sendText("{\"type\": \"subscribe\", \"queryID\": \"q\", \"query\": {\"table\": \"items\"}}", true).get();
        assertThat(l.next()).as("before connect").contains("\"kind\":\"not_connected\"");
        ws.sendText(CONNECT, true).get();
        assertThat(l.next()).contains("\"type\":\"connected\"").contains("\"status\":\"full\"");
        ws.sendText("{\"type\": \"subscribe\", \"queryID\": \"q\", \"query\": {\"table\": \"items\"}}", true).get();
        assertThat(l.nextContaining("\"value\":{\"id\":1,\"name\":\"one\"}")).contains("\"type\":\"pokePart\"");
        assertThat(l.next("pokeEnd")).contains("\"cookie\"");

        // A query whose index is created at subscribe: its view is hydrated at the advance after, which the
        // hub runs at once, not at the next upstream change.
        ws.sendText("{\"type\": \"subscribe\", \"queryID\": \"byName\", \"query\": {\"table\": \"items\","
            + " \"orderBy\": [[\"name\", \"desc\"]]}}", true).get();
        assertThat(l.nextContaining("{\"queryID\":\"byName\",\"status\":\"complete\"}")).contains("pokePart");

        db.execute("INSERT INTO items VALUES (2, 'two')");
        assertThat(l.nextContaining("\"value\":{\"id\":2,\"name\":\"two\"}")).as("the upstream insert")
            .contains("\"type\":\"pokePart\"");

        ws.sendText("{not json", true).get();
        assertThat(l.next("error")).contains("\"kind\":\"malformed\"");
        ws.sendText("{\"type\": \"ping\", \"id\": 7}", true).get();
        assertThat(l.next("pong")).as("the connection stays usable").contains("\"id\":7");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get();

        Listener old = new Listener();
        WebSocket ws2 = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, old)
            .get(30, TimeUnit.SECONDS);
        ws2.sendText(CONNECT.replace("\"protocolVersion\": 1", "\"protocolVersion\": 9"), true).get();
        assertThat(old.next()).contains("\"kind\":\"unsupported_protocol\"").contains("\"min\":1").contains("\"max\":1");
        assertThat(old.closed.get(30, TimeUnit.SECONDS)).isEqualTo(4001);
      }
    }
  }

  /** A replicator, its hub and the HTTP server, for one test. */
  private static final class Server implements AutoCloseable {
    final SyncHub hub;
    final Replicator replicator;
    final HttpServer http;
    final URI uri;

    Server(TestDatabase db, Path dir, ViewSyncer.Options options) throws Exception {
      hub = new SyncHub("test", dir, options);
      replicator = new Replicator(ReplicaTesting.config(db, dir), hub);
      hub.attach(replicator::store);
      replicator.start();
      assertThat(ReplicaOracle.await(60_000, () -> "streaming".equals(replicator.status().phase()))).isTrue();
      http = new HttpServer("127.0.0.1", 0, new HttpServerInitializer(
          new ReplicatorStatusProvider(replicator, Long.MAX_VALUE), ReplicatorResyncer.of(replicator),
          Optional.empty(), hub));
      http.start();
      uri = URI.create("ws://127.0.0.1:" + http.port() + HttpServerInitializer.SYNC_PATH);
    }

    WebSocket open(Listener l) throws Exception {
      return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, l).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      try (SyncHub h = hub; Replicator r = replicator; HttpServer s = http) {
        // closes all three, the server first
      }
    }
  }

  private static String connect(String group, String table) {
    return """
        {"type": "connect", "protocolVersion": 1, "clientGroupID": "%s", "clientID": "c",
         "schema": {"tables": {"%s": {"columns": {"id": {"type": "int8"}, "body": {"type": "text"}},
                                       "primaryKey": ["id"]}}}}""".formatted(group, table);
  }

  /**
   * A client that stops reading its socket fills its buffer: the server stops poking it (its pokes are coalesced),
   * keeps poking a fast client without delay, and closes the slow one with 4002 once its socket stayed full for
   * the configured time. The fast client stays connected.
   */
  @Test
  void aSlowClientDoesNotDelayAFastOneAndIsClosedWith4002(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE big (id int8 PRIMARY KEY, body text)", "CREATE TABLE small (id int8 PRIMARY KEY, body text)",
        // ~16 KB of random hex per row (permessage-deflate would shrink a repeated text to nothing; hex to half)
        "INSERT INTO big SELECT g, (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 500) i)"
            + " FROM generate_series(1, 500) g");
    ViewSyncer.Options options = new ViewSyncer.Options(100, 10_000, 60_000, 10_000, 2_000);
    try (Server server = new Server(db, dir, options)) {
      Listener slow = new Listener();
      WebSocket slowWs = server.open(slow);
      slowWs.sendText(connect("slow", "big"), true).get();
      assertThat(slow.next("connected")).contains("\"status\":\"full\"");
      slow.paused = true; // reads no more: what the server sends piles up in the sockets' buffers
      slowWs.sendText("{\"type\": \"subscribe\", \"queryID\": \"all\", \"query\": {\"table\": \"big\"}}", true).get();

      Listener fast = new Listener();
      WebSocket fastWs = server.open(fast);
      fastWs.sendText(connect("fast", "small"), true).get();
      fast.next("connected");
      fastWs.sendText("{\"type\": \"subscribe\", \"queryID\": \"all\", \"query\": {\"table\": \"small\"}}", true).get();
      fast.nextContaining("\"status\":\"complete\"");

      // Until the sockets' buffers (a few MB each way on Linux) and Netty's 1 MiB are full and the server gives up.
      for (int round = 0; round < 12 && server.hub.closes(SyncFrameHandler.CLOSE_TOO_SLOW) == 0; round++) {
        db.execute("UPDATE big SET body = md5(body) || substr(body, 33)"); // 8 MB of pokes for the slow client
        db.execute("INSERT INTO small VALUES (" + round + ", 'round " + round + "')");
        assertThat(fast.nextContaining("\"body\":\"round " + round + "\"")).as("the fast client's poke")
            .contains("pokePart");
      }
      assertThat(ReplicaOracle.await(60_000, () -> server.hub.closes(SyncFrameHandler.CLOSE_TOO_SLOW) == 1))
          .as("the slow client is closed with 4002").isTrue();
      db.execute("INSERT INTO small VALUES (100, 'after')");
      assertThat(fast.nextContaining("\"body\":\"after\"")).contains("pokePart");
      fastWs.sendText("{\"type\": \"ping\", \"id\": 1}", true).get();
      assertThat(fast.next("pong")).contains("\"id\":1");
      assertThat(ReplicaOracle.await(30_000, () -> sessions(server.hub) == 1)).as("the slow session is gone").isTrue();
    }
  }

  private static int sessions(SyncHub hub) {
    try {
      return hub.sessions();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Limits: no connect in time closes with 4008; one query over the per-client limit is an error, not a close. */
  @Test
  void limitsAreAnsweredWithStructuredErrorsOrTheDocumentedCloseCode(TestDatabase db, @TempDir Path dir)
      throws Exception {
    db.execute("CREATE TABLE lim (id int8 PRIMARY KEY, body text)");
    ViewSyncer.Options options = new ViewSyncer.Options(3, 10_000, 60_000, 1_000, 30_000);
    try (Server server = new Server(db, dir, options)) {
      Listener silent = new Listener();
      server.open(silent);
      assertThat(silent.closed.get(30, TimeUnit.SECONDS)).as("no connect within 1 s").isEqualTo(4008);

      Listener l = new Listener();
      WebSocket ws = server.open(l);
      ws.sendText(connect("lim", "lim"), true).get();
      l.next("connected");
      for (int i = 0; i < 4; i++) {
        ws.sendText("{\"type\": \"subscribe\", \"queryID\": \"q" + i + "\", \"query\": {\"table\": \"lim\"}}", true)
            .get();
      }
      assertThat(l.next("error")).contains("\"kind\":\"too_many_queries\"").contains("\"queryID\":\"q3\"");
      ws.sendText("{\"type\": \"subscribe\", \"queryID\": \"q0\", \"query\": {\"table\": \"lim\", \"limit\": 1}}",
          true).get(); // replacing one of the three is fine
      ws.sendText("{\"type\": \"ping\", \"id\": 2}", true).get();
      assertThat(l.next("pong")).contains("\"id\":2");
      ws.sendText("x".repeat(300 * 1024), true).get();
      assertThat(l.next("error")).contains("\"kind\":\"too_large\"");
      ws.sendText("{\"type\": \"ping\", \"id\": 3}", true).get();
      assertThat(l.next("pong")).as("still usable").contains("\"id\":3");
      assertThat(l.errors()).as("no other errors").isEqualTo(2);
    }
  }

  /**
   * Thousands of random and mutated messages over a few sockets: every one is answered with a structured error,
   * a pong or nothing (a valid subscribe), or the connection is closed with a documented code; the server keeps
   * serving, and once the sockets are closed no session is left behind.
   */
  @Test
  void fuzzedMessagesNeverCrashTheServerOrLeakASession(TestDatabase db, @TempDir Path dir) throws Exception {
    db.execute("CREATE TABLE fz (id int8 PRIMARY KEY, body text)", "INSERT INTO fz VALUES (1, 'one')");
    long seed = ReplicaTesting.seed();
    java.util.Random random = new java.util.Random(seed);
    List<String> valid = List.of(connect("fz", "fz"),
        "{\"type\": \"subscribe\", \"queryID\": \"q\", \"query\": {\"table\": \"fz\"}}",
        "{\"type\": \"subscribe\", \"queryID\": \"q2\", \"query\": {\"table\": \"fz\", \"where\": {\"type\": \"cmp\","
            + " \"column\": \"id\", \"op\": \">\", \"value\": 0}, \"orderBy\": [[\"body\", \"desc\"]], \"limit\": 5}}",
        "{\"type\": \"unsubscribe\", \"queryID\": \"q\"}", "{\"type\": \"ping\", \"id\": [1, {\"a\": null}]}");
    int messages = ReplicaTesting.scaled(3_000, 30_000);
    java.util.Set<Integer> documented = java.util.Set.of(1000, 1001, 1009, 4001, 4008);
    try (Server server = new Server(db, dir, ViewSyncer.Options.DEFAULTS)) {
      int sent = 0;
      int connections = 0;
      while (sent < messages) {
        Listener l = new Listener();
        WebSocket ws = server.open(l);
        connections++;
        for (int i = 0; i < 300 && sent < messages && !l.closed.isDone(); i++, sent++) {
          // A text frame is UTF-8: surrogates (which a lone one would make unsendable) become '?' here; the codec's
          // own fuzz test (MessageFuzzTest) covers them.
          String m = FuzzMessages.mutate(random, valid.get(random.nextInt(valid.size())))
              .replaceAll("[\\uD800-\\uDFFF]", "?");
          try {
            ws.sendText(m, true).get(30, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException e) {
            assertThat(l.closed.get(30, TimeUnit.SECONDS)).as("seed %d: a send fails only once closed", seed)
                .isNotNull();
          }
        }
        if (!l.closed.isDone()) {
          // The server may be closing it already (after an unsupported protocol version, say): then no pong.
          boolean answered;
          try {
            ws.sendText("{\"type\": \"ping\", \"id\": \"end\"}", true).get(30, TimeUnit.SECONDS);
            answered = l.awaitUnlessClosed("\"id\":\"end\"");
          } catch (java.util.concurrent.ExecutionException e) {
            answered = false;
          }
          assertThat(answered || l.closed.isDone()).as("seed %d: the connection answers or was closed", seed)
              .isTrue();
          if (answered) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get();
          }
        }
        Integer code = l.closed.get(30, TimeUnit.SECONDS);
        assertThat(documented).as("seed %d: closed with %d", seed, code).contains(code);
        for (String m : l.all()) {
          assertThat(m).as("seed %d: every message is one the protocol has", seed)
              .matches("(?s)\\{\"type\":\"(error|pong|connected|pokeStart|pokePart|pokeEnd|schemaChanged)\".*");
          if (m.contains("\"type\":\"error\"")) {
            assertThat(m).doesNotContain("\"kind\":\"internal\"");
          }
        }
      }
      assertThat(ReplicaOracle.await(30_000, () -> sessions(server.hub) == 0))
          .as("seed %d: no session left after %d connections", seed, connections).isTrue();
      Listener after = new Listener();
      WebSocket ws = server.open(after);
      ws.sendText(valid.get(0), true).get();
      after.next("connected");
      ws.sendText(valid.get(1), true).get();
      assertThat(after.nextContaining("\"body\":\"one\"")).contains("pokePart");
    }
  }
}
