package io.viewsync.server.sync;

import io.viewsync.core.protocol.ClientMessage;
import io.viewsync.core.protocol.ProtocolError;
import io.viewsync.core.protocol.ServerMessage;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.replica.ReplicaStore;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ViewSyncer} on its own view-sync thread (DESIGN §3: never on a Netty event loop): transports
 * hand it client messages from any thread, the replicator tells it a new version is ready, and it advances the
 * views at most one advance behind ("latest wins, never queued"). Until {@link #attach} gives it the replica,
 * connects are refused with an {@code internal} error.
 *
 * <p>Thread-safe: every method may be called from any thread; the work runs on the view-sync thread.
 */
public final class SyncHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncHub.class);

  /** One client connection, as the transport sees it: the session once connected. */
  public static final class Connection {
    private final Consumer<String> out;
    private ViewSyncer.Session session;

    public Connection(Consumer<String> out) {
      this.out = out;
    }
  }

  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "viewsync-sync");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean advanceQueued = new AtomicBoolean();
  private final String serverVersion;
  private ViewSyncer syncer; // the view-sync thread only

  public SyncHub(String serverVersion) {
    this.serverVersion = serverVersion;
  }

  /** Serves the replica in {@code store} from now on. */
  public void attach(ReplicaStore store) {
    thread.execute(() -> {
      syncer = new ViewSyncer(store, QueryLimits.DEFAULTS, serverVersion);
      versionReady();
    });
  }

  /** The replica has a new version: advance the views soon (coalesced with an advance already queued). */
  public void versionReady() {
    if (advanceQueued.compareAndSet(false, true)) {
      thread.execute(() -> {
        advanceQueued.set(false);
        run(() -> {
          if (syncer != null && syncer.advance()) {
            versionReady(); // a view waits for an index the next snapshot sees
          }
        });
      });
    }
  }

  /** A message from a client, already parsed. */
  public void receive(Connection c, ClientMessage m) {
    thread.execute(() -> run(() -> handle(c, m)));
  }

  /** The client's connection closed. */
  public void closed(Connection c) {
    thread.execute(() -> {
      if (syncer != null && c.session != null) {
        syncer.disconnect(c.session);
      }
    });
  }

  private void handle(Connection c, ClientMessage m) throws SQLException {
    if (m instanceof ClientMessage.Ping ping) {
      c.out.accept(ServerMessage.pong(ping.id()));
    } else if (m instanceof ClientMessage.Connect connect) {
      if (c.session != null) {
        c.out.accept(ServerMessage.error(ProtocolError.of(ProtocolError.Kind.ALREADY_CONNECTED,
            "this connection is connected already")));
      } else if (syncer == null) {
        c.out.accept(ServerMessage.error(ProtocolError.of(ProtocolError.Kind.INTERNAL,
            "the replica is not ready yet; try again")));
      } else {
        c.session = syncer.connect(connect, c.out);
        versionReady(); // the first poke: the group's state
      }
    } else if (c.session == null) {
      c.out.accept(ServerMessage.error(ProtocolError.of(ProtocolError.Kind.NOT_CONNECTED,
          "send connect first")));
    } else if (m instanceof ClientMessage.Subscribe s) {
      syncer.subscribe(c.session, s);
      versionReady();
    } else if (m instanceof ClientMessage.Unsubscribe u) {
      syncer.unsubscribe(c.session, u);
      versionReady();
    } else {
      throw new IllegalStateException("unknown message " + m);
    }
  }

  private interface Work {
    void run() throws Exception;
  }

  private static void run(Work w) {
    try {
      w.run();
    } catch (Exception | AssertionError e) {
      log.error("view sync failed", e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    thread.execute(() -> run(() -> {
      if (syncer != null) {
        syncer.close();
      }
    }));
    thread.shutdown();
    thread.awaitTermination(10, TimeUnit.SECONDS);
  }
}
