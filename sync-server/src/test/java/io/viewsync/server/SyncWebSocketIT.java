package io.viewsync.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.replica.ReplicaOracle;
import io.viewsync.replica.ReplicaTesting;
import io.viewsync.replica.Replicator;
import io.viewsync.server.http.HttpServer;
import io.viewsync.server.http.HttpServerInitializer;
import io.viewsync.server.sync.SyncHub;
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

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
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
      return m;
    }

    /** The next message of {@code type}, skipping others. */
    String next(String type) throws InterruptedException {
      return nextContaining("\"type\":\"" + type + "\"");
    }

    /** The next message that contains {@code fragment}, skipping others (pokes come as the views advance). */
    String nextContaining(String fragment) throws InterruptedException {
      for (int i = 0; i < 100; i++) {
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
}
