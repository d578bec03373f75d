package io.viewsync.server.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.protocol.ClientMessage;
import io.viewsync.core.protocol.MessageCodec;
import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import io.viewsync.replica.ReplicaOracle;
import io.viewsync.replica.ReplicaTesting;
import io.viewsync.replica.Replicator;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link SyncHub} as the replicator's listener: it must not read the replica while an initial copy writes it
 * (the copy runs without a journal; a reader's lock then stalled replication for good: the CI failure of
 * {@code ServeIT} after the WebSocket was wired in), and it must let go of a replica that is rebuilt, closing its
 * clients so that they reconnect.
 */
@ExtendWith(PostgresExtension.class)
class SyncHubIT {
  private static final String CONNECT = """
      {"type": "connect", "protocolVersion": 1, "clientGroupID": "g", "clientID": "c%d",
       "schema": {"tables": {"%s": {"columns": {"id": {"type": "int8"}, "name": {"type": "text"}},
                                       "primaryKey": ["id"]}}}}""";
  private static final String SUBSCRIBE = """
      {"type": "subscribe", "queryID": "q", "query": {"table": "%s",
       "where": {"type": "cmp", "column": "id", "op": "=", "value": %d}}}""";

  /** A client as the hub sees it: what it was sent and how it was closed. */
  private static final class Client {
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<Integer> closes = new CopyOnWriteArrayList<>();
    final SyncHub.Connection connection = new SyncHub.Connection(received::add, (code, reason) -> closes.add(code));

    void send(SyncHub hub, String json) {
      hub.receive(connection, (ClientMessage) MessageCodec.parse(json));
    }

    boolean got(String fragment) {
      return received.stream().anyMatch(m -> m.contains(fragment));
    }
  }

  @Test
  void clientsConnectingDuringTheInitialCopyAreRefusedAndReplicationGoesOn(TestDatabase db, @TempDir Path dir)
      throws Exception {
    int rows = ReplicaTesting.scaled(300_000, 2_000_000); // a copy that takes a while
    db.execute("CREATE TABLE items (id int8 PRIMARY KEY, name text)",
        "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, " + rows + ") g");
    try (SyncHub hub = new SyncHub("test", dir, ViewSyncer.Options.DEFAULTS);
         Replicator r = new Replicator(ReplicaTesting.config(db, dir), hub)) {
      hub.attach(r::store);
      r.start();
      int n = 0;
      while (!"streaming".equals(r.status().phase())) { // connects during the copy: each refused, none reads
        Client early = new Client();
        early.send(hub, CONNECT.formatted(n++, "items"));
        assertThat(ReplicaOracle.await(10_000, () -> !early.received.isEmpty() || !early.closes.isEmpty())).isTrue();
        assertThat(early.closes.contains(SyncHub.CLOSE_NOT_READY) || early.got("\"connected\""))
            .as("refused with 1013 (or connected, at the very end of the copy): %s", early.received).isTrue();
        Thread.sleep(10);
      }
      Client c = new Client();
      c.send(hub, CONNECT.formatted(n, "items"));
      boolean connected = ReplicaOracle.await(30_000, () -> c.got("\"connected\""));
      assertThat(connected).as("connects once streaming; got %s, closed %s", c.received, c.closes).isTrue();
      c.send(hub, SUBSCRIBE.formatted("items", rows + 1));
      db.execute("INSERT INTO items VALUES (" + (rows + 1) + ", 'after the copy')");
      assertThat(ReplicaOracle.await(60_000, () -> c.got("after the copy")))
          .as("a change after the copy reaches the client; got %s", c.received).isTrue();
    }
  }

  @Test
  void aReplicaRebuiltFromScratchClosesItsClientsAndServesTheNewCopy(TestDatabase db, @TempDir Path dir)
      throws Exception {
    db.execute("CREATE TABLE small (id int8 PRIMARY KEY, name text)", "INSERT INTO small VALUES (1, 'one')");
    try (SyncHub hub = new SyncHub("test", dir, ViewSyncer.Options.DEFAULTS)) {
      Client before = new Client();
      try (Replicator r = new Replicator(ReplicaTesting.config(db, dir), hub)) {
        hub.attach(r::store);
        r.start();
        assertThat(ReplicaOracle.await(60_000, () -> "streaming".equals(r.status().phase()))).isTrue();
        before.send(hub, CONNECT.formatted(1, "small"));
        before.send(hub, SUBSCRIBE.formatted("small", 1));
        assertThat(ReplicaOracle.await(30_000, () -> before.got("\"one\""))).as("%s", before.received).isTrue();
      }
      try (Connection pg = db.connect(); Statement s = pg.createStatement()) { // the slot is gone: a new copy
        s.execute("SELECT pg_drop_replication_slot('" + ReplicaTesting.slotName(db) + "')");
        s.execute("UPDATE small SET name = 'uno' WHERE id = 1");
      }
      try (Replicator r = new Replicator(ReplicaTesting.config(db, dir), hub)) {
        hub.attach(r::store);
        r.start();
        assertThat(ReplicaOracle.await(60_000, () -> before.closes.contains(SyncHub.CLOSE_REPLICA_REPLACED)))
            .as("the client of the old replica is closed").isTrue();
        assertThat(ReplicaOracle.await(60_000, () -> "streaming".equals(r.status().phase()))).isTrue();
        Client after = new Client();
        after.send(hub, CONNECT.formatted(2, "small"));
        after.send(hub, SUBSCRIBE.formatted("small", 1));
        assertThat(ReplicaOracle.await(30_000, () -> after.got("\"uno\""))).as("%s", after.received).isTrue();
      }
    }
  }
}
