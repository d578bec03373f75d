package io.viewsync.client;

import static io.viewsync.client.Wire.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.client.FakeTransport.FakeLink;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.protocol.ClientMessage;
import io.viewsync.core.protocol.MessageCodec;
import io.viewsync.core.protocol.ProtocolError;
import io.viewsync.core.protocol.ProtocolVersions;
import io.viewsync.core.protocol.ServerMessage;
import io.viewsync.core.protocol.ServerMessage.QueryStatus;
import io.viewsync.replica.ReplicaOracle;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's connection behaviour over a {@link FakeTransport}: what it sends and when, how it reconnects (with
 * its cookie and its subscriptions), what is final, and how it refuses misuse. Server messages are written by
 * sync-core's {@link ServerMessage}; what the client sends is read back by the server's {@link MessageCodec}.
 */
class SyncClientTest {
  private static final String ALL = "{\"table\": \"items\", \"orderBy\": [[\"id\", \"asc\"]]}";

  private final FakeTransport transport = new FakeTransport();
  private final List<SyncError> heard = new CopyOnWriteArrayList<>();
  private SyncClient client;

  private SyncClient.Builder builder() {
    return SyncClient.builder().uri("ws://127.0.0.1:1/sync/v1").clientGroupID("g1").clientID("c1")
        .schema(Wire.SCHEMA).backoff(Duration.ofMillis(1), Duration.ofMillis(20)).pingInterval(Duration.ZERO)
        .onError(heard::add).transport(transport);
  }

  private SyncClient start() {
    client = builder().build();
    return client;
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
    }
  }

  private static ClientMessage sent(FakeLink link) throws InterruptedException {
    MessageCodec.Parsed p = MessageCodec.parse(link.nextSent());
    assertThat(p).isInstanceOf(ClientMessage.class);
    return (ClientMessage) p;
  }

  private static ClientMessage.Connect connect(FakeLink link) throws InterruptedException {
    ClientMessage m = sent(link);
    assertThat(m).isInstanceOf(ClientMessage.Connect.class);
    return (ClientMessage.Connect) m;
  }

  private static List<Long> ids(LiveQuery q) {
    return q.rows().stream().map(r -> (Long) r.get("id")).toList();
  }

  @Test
  void itConnectsThenSubscribesOnceTheServerAccepts() throws Exception {
    start();
    LiveQuery all = client.subscribe("all", ALL);
    FakeLink link = transport.nextLink();
    ClientMessage.Connect c = connect(link);
    assertThat(c.protocolVersion()).isEqualTo(ProtocolVersions.MAX);
    assertThat(c.clientGroupID()).isEqualTo("g1");
    assertThat(c.clientID()).isEqualTo("c1");
    assertThat(c.cookie()).isNull();
    assertThat(c.schema()).isEqualTo(Wire.SCHEMA);
    client.flush();
    assertThat(link.drainSent()).as("nothing before connected").isEmpty();
    assertThat(client.connectionState()).isEqualTo(ConnectionState.CONNECTING);

    link.deliver(Wire.connected());
    assertThat(client.connected()).isTrue();
    assertThat(client.compatibility()).isEqualTo(Wire.FULL);
    assertThat(client.schemaVersion()).hasValue(7);
    assertThat(sent(link)).isEqualTo(new ClientMessage.Subscribe("all", all.query()));

    link.deliver(Wire.poke("p1", null, true, "c1", List.of(item(2, "b", 1), item(1, "a", 1)),
        List.of(QueryStatus.complete("all"))));
    assertThat(ids(all)).containsExactly(1L, 2L);
    assertThat(all.status()).isEqualTo(QueryResult.Status.COMPLETE);
    assertThat(client.cookie()).isEqualTo("c1");
    assertThat(client.rows("items")).contains(Row.of("id", 1L, "name", "a", "rank", 1L)).hasSize(2);
    assertThat(heard).isEmpty();
  }

  @Test
  void aPokeOutOfStepMakesItReconnectWithItsCookieAndSubscriptions() throws Exception {
    start();
    LiveQuery all = client.subscribe("all", ALL);
    FakeLink first = transport.nextLink();
    first.deliver(Wire.connected());
    first.deliver(Wire.poke("p1", null, true, "c1", List.of(item(1, "a", 1)), List.of()));

    first.deliver(Wire.poke("p2", "c0", false, "c2", List.of(Wire.del("items", 1)), List.of()));
    assertThat(first.closeCode()).isEqualTo(1000);
    assertThat(heard).singleElement().satisfies(e -> {
      assertThat(e.origin()).isEqualTo(SyncError.Origin.CLIENT);
      assertThat(e.kind()).isEqualTo("out_of_step");
    });
    assertThat(ids(all)).as("nothing of the poke was applied").containsExactly(1L);

    FakeLink second = transport.nextLink();
    assertThat(connect(second).cookie()).isEqualTo("c1");
    second.deliver(Wire.connected());
    assertThat(sent(second)).isEqualTo(new ClientMessage.Subscribe("all", all.query()));
    second.deliver(Wire.poke("p3", "c1", false, "c3", List.of(item(3, "c", 1)), List.of()));
    assertThat(ids(all)).containsExactly(1L, 3L);
    assertThat(client.stats()).isEqualTo(new SyncStats(2, 2, 1, 2, 1, 2));
  }

  @Test
  void aConnectionTheServerClosesIsResumedWithTheCookie() throws Exception {
    start();
    FakeLink first = transport.nextLink();
    first.deliver(Wire.connected());
    first.deliver(Wire.poke("p1", null, true, "c1", List.of(item(1, "a", 1), item(2, "b", 1)), List.of()));
    first.serverCloses(1012, "the replica is being rebuilt; reconnect");

    FakeLink second = transport.nextLink();
    assertThat(connect(second).cookie()).isEqualTo("c1");
    assertThat(first.closedByClient()).isFalse();
    second.deliver(Wire.connected());
    second.deliver(Wire.poke("p2", "c1", false, "c2", List.of(item(2, "b", 2)), List.of()));
    assertThat(client.stats().rowsSinceConnect()).isEqualTo(1);

    second.fails(new IOException("connection reset"));
    FakeLink third = transport.nextLink();
    assertThat(connect(third).cookie()).isEqualTo("c2");
    assertThat(heard).as("a lost connection is not an error").isEmpty();
  }

  @Test
  void aPokeCutOffByTheConnectionIsDropped() throws Exception {
    start();
    FakeLink first = transport.nextLink();
    first.deliver(Wire.connected());
    List<String> poke = Wire.poke("p1", null, true, "c1", List.of(item(1, "a", 1)), List.of());
    first.deliver(poke.subList(0, 2));
    first.serverCloses(1001, "shutting down");
    FakeLink second = transport.nextLink();
    second.deliver(Wire.connected());
    second.deliver(Wire.poke("p1", null, true, "c9", List.of(item(2, "b", 1)), List.of()));
    assertThat(client.rows("items")).containsExactly(Row.of("id", 2L, "name", "b", "rank", 1L));
    assertThat(heard).isEmpty();
  }

  @Test
  void anUnsupportedProtocolIsFinal() throws Exception {
    start();
    FakeLink link = transport.nextLink();
    link.deliver(ServerMessage.error(ProtocolVersions.unsupported("1")));
    link.serverCloses(4001, "protocol versions 2 to 3");
    client.flush();
    assertThat(client.connectionState()).isEqualTo(ConnectionState.FAILED);
    assertThat(heard).singleElement().satisfies(e -> {
      assertThat(e.origin()).isEqualTo(SyncError.Origin.SERVER);
      assertThat(e.kind()).isEqualTo("unsupported_protocol");
    });
    assertThat(transport.linkWithin(200)).as("no reconnect (the backoff is 1 ms)").isNull();
  }

  @Test
  void closeCode4001IsFinalEvenWithoutAnError() throws Exception {
    start();
    FakeLink link = transport.nextLink();
    link.serverCloses(4001, "protocol versions 2 to 3");
    client.flush();
    assertThat(client.connectionState()).isEqualTo(ConnectionState.FAILED);
    assertThat(heard).singleElement().satisfies(e -> {
      assertThat(e.origin()).isEqualTo(SyncError.Origin.CLIENT);
      assertThat(e.kind()).isEqualTo("unsupported_protocol");
      assertThat(e.message()).contains("4001");
    });
    assertThat(transport.linkWithin(200)).as("no reconnect (the backoff is 1 ms)").isNull();
  }

  @Test
  void aRefusedSocketIsRetriedWithBackoff() throws Exception {
    transport.refuse(true);
    start();
    assertThat(ReplicaOracle.await(10_000, () -> client.connectionState() == ConnectionState.DISCONNECTED)).isTrue();
    transport.refuse(false);
    FakeLink link = transport.nextLink();
    assertThat(connect(link).cookie()).isNull();
  }

  @Test
  void aRefusedConnectIsRetried() throws Exception {
    start();
    FakeLink first = transport.nextLink();
    first.deliver(ServerMessage.error(ProtocolError.of(ProtocolError.Kind.INTERNAL,
        "the replica is not ready yet; try again")));
    assertThat(first.closeCode()).isEqualTo(1000);
    FakeLink second = transport.nextLink();
    connect(second);
    second.deliver(Wire.connected());
    assertThat(client.connected()).isTrue();
    assertThat(heard).extracting(SyncError::kind).containsExactly("internal");
  }

  @Test
  void anUnreadableMessageIsReportedAndTheClientReconnects() throws Exception {
    start();
    FakeLink first = transport.nextLink();
    first.deliver(Wire.connected());
    first.deliver("{\"type\": \"pokeStart\", \"pokeID\": \"p1\"}");
    assertThat(first.closeCode()).isEqualTo(1000);
    assertThat(heard).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo("protocol_violation");
      assertThat(e.message()).contains("baseCookie");
    });
    transport.nextLink();
  }

  @Test
  void aRefusedQueryIsRejectedAndTheErrorNamesIt() throws Exception {
    start();
    LiveQuery all = client.subscribe("all", ALL);
    FakeLink link = transport.nextLink();
    link.deliver(Wire.connected());
    link.deliver(ServerMessage.error(new ProtocolError(ProtocolError.Kind.INVALID_QUERY,
        "the query does not validate", Wire.json("""
            {"errors": [{"kind": "UNKNOWN_COLUMN", "path": "orderBy[0]", "message": "no column id"}]}"""), "all")));
    assertThat(all.status()).isEqualTo(QueryResult.Status.REJECTED);
    assertThat(all.result().reason()).contains("invalid_query");
    assertThat(all.result().errors()).extracting(e -> e.kind().name()).containsExactly("UNKNOWN_COLUMN");
    assertThat(client.errors()).singleElement().satisfies(e -> assertThat(e.queryID()).isEqualTo("all"));
    assertThat(heard).hasSize(1);
  }

  @Test
  void anUnsubscribeWhileDisconnectedIsSentAtTheNextConnect() throws Exception {
    start();
    LiveQuery a = client.subscribe("a", ALL);
    FakeLink first = transport.nextLink();
    first.deliver(Wire.connected());
    first.drainSent();
    first.serverCloses(1001, "shutting down");
    client.unsubscribe("a");
    assertThat(a.isClosed()).isTrue();
    assertThat(client.query("a")).isNull();

    FakeLink second = transport.nextLink();
    connect(second);
    second.deliver(Wire.connected());
    assertThat(sent(second)).isEqualTo(new ClientMessage.Unsubscribe("a"));
    second.deliver(ServerMessage.error(new ProtocolError(ProtocolError.Kind.UNKNOWN_QUERY, "no query a", null,
        "a")));
    client.flush();
    assertThat(heard).as("the server had forgotten it: no error").isEmpty();
    assertThat(second.drainSent()).as("a is not subscribed again").isEmpty();
  }

  @Test
  void subscribingAnIdAgainReplacesItsQuery() throws Exception {
    start();
    LiveQuery first = client.subscribe("q", ALL);
    LiveQuery second = client.subscribe("q", "{\"table\": \"comments\"}");
    assertThat(first.isClosed()).isTrue();
    assertThat(second.isClosed()).isFalse();
    assertThat(client.query("q")).isSameAs(second);
    first.close();
    assertThat(client.query("q")).as("closing a replaced handle leaves its successor").isSameAs(second);
    FakeLink link = transport.nextLink();
    connect(link);
    link.deliver(Wire.connected());
    assertThat(sent(link)).isEqualTo(new ClientMessage.Subscribe("q", second.query()));
    client.flush();
    assertThat(link.drainSent()).isEmpty();
  }

  @Test
  void aSilentConnectionIsDroppedAfterAnUnansweredPing() throws Exception {
    client = builder().pingInterval(Duration.ofMillis(50)).build();
    FakeLink first = transport.nextLink();
    connect(first);
    first.deliver(Wire.connected());
    assertThat(sent(first)).isInstanceOf(ClientMessage.Ping.class);
    assertThat(first.closeCode()).as("no answer within an interval").isEqualTo(1000);
    connect(transport.nextLink());
  }

  @Test
  void closeEndsTheConnectionAndTheSubscriptions() throws Exception {
    start();
    LiveQuery all = client.subscribe("all", ALL);
    FakeLink link = transport.nextLink();
    link.deliver(Wire.connected());
    client.close();
    assertThat(link.closeCode()).isEqualTo(1000);
    assertThat(client.connectionState()).isEqualTo(ConnectionState.CLOSED);
    assertThat(all.isClosed()).isTrue();
    assertThatThrownBy(() -> client.subscribe("b", ALL)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> client.rows("items")).isInstanceOf(IllegalStateException.class);
    client.close(); // idempotent
  }

  @Test
  void misuseIsRefusedWithAReason() {
    assertThatThrownBy(() -> SyncClient.builder().uri("ws://h/sync/v1").clientID("c").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing: clientGroupID, schema");
    assertThatThrownBy(() -> SyncClient.builder().uri("http://h/sync/v1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws://");
    assertThatThrownBy(() -> builder().clientGroupID("").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientGroupID");
    assertThatThrownBy(() -> builder().backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);

    start();
    assertThatThrownBy(() -> client.subscribe("", ALL)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queryID");
    assertThatThrownBy(() -> client.subscribe("x".repeat(65), ALL)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queryID");
    assertThatThrownBy(() -> client.subscribe("q", "{\"table\": \"items\", \"limit\": -1}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BAD_LIMIT");
    assertThatThrownBy(() -> client.subscribe("q", "{\"table\": "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not parse");
    assertThatThrownBy(() -> client.unsubscribe("never")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no query never");
    assertThatThrownBy(() -> client.rows("labels")).isInstanceOf(IllegalArgumentException.class);
    assertThat(client.query("q")).as("nothing was subscribed").isNull();
  }
}
