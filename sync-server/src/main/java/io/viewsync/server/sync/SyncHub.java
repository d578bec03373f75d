package io.viewsync.server.sync;

import io.viewsync.core.protocol.ClientMessage;
import io.viewsync.core.protocol.ProtocolError;
import io.viewsync.core.protocol.ServerMessage;
import io.viewsync.core.Lsn;
import io.viewsync.core.query.QueryLimits;
import io.viewsync.replica.ReplicaListener;
import io.viewsync.replica.ReplicaStore;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ViewSyncer} on its own view-sync thread (DESIGN §3: never on a Netty event loop): transports
 * hand it client messages from any thread, the replicator tells it a new version is ready, and it advances the
 * views at most one advance behind ("latest wins, never queued").
 *
 * <p>It is the replicator's {@link ReplicaListener}: it opens the replica only after the replicator's first
 * {@link #versionReady} (an initial copy writes without a journal; a reader then would hold a lock the copy waits
 * for), and lets go of it when the replica is about to be copied anew ({@link #replicaReplacing}), closing every
 * connected client with {@value #CLOSE_REPLICA_REPLACED} (they reconnect and get a reset poke). Until then a
 * {@code connect} is answered by closing with {@value #CLOSE_NOT_READY} (try again later).
 *
 * <p>Thread-safe: every method may be called from any thread; the work runs on the view-sync thread.
 */
public final class SyncHub implements ReplicaListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncHub.class);

  /** Close code for a connect before the replica is ready (its initial copy): WebSocket's "try again later". */
  public static final int CLOSE_NOT_READY = 1013;
  /** Close code when the replica is rebuilt from scratch: reconnect (WebSocket's "service restart"). */
  public static final int CLOSE_REPLICA_REPLACED = 1012;

  /** How the hub closes a client's connection: a WebSocket close code and reason. */
  public interface Closer {
    void close(int code, String reason);
  }

  /** One client connection, as the transport sees it: the session once connected. */
  public static final class Connection {
    private final Consumer<String> out;
    private final Closer closer;
    private final java.util.function.BooleanSupplier writable;
    private ViewSyncer.Session session;
    private volatile boolean connected;

    /**
     * @param out sends a message (any thread)
     * @param closer closes the connection with a code (any thread)
     * @param writable whether the socket takes more now (below its high write watermark)
     */
    public Connection(Consumer<String> out, Closer closer, java.util.function.BooleanSupplier writable) {
      this.out = out;
      this.closer = closer;
      this.writable = writable;
    }

    public Connection(Consumer<String> out, Closer closer) {
      this(out, closer, () -> true);
    }

    /** Whether a {@code connect} was accepted on it. */
    public boolean connected() {
      return connected;
    }
  }

  private final java.util.concurrent.ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "viewsync-sync");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean advanceQueued = new AtomicBoolean();
  private final String serverVersion;
  private final java.nio.file.Path recordsDir;
  private final ViewSyncer.Options options;
  private volatile Supplier<ReplicaStore> replica = () -> null;
  // The view-sync thread only:
  private volatile boolean replicaReady; // between the replicator's versionReady and its replicaReplacing
  private ViewSyncer syncer;
  private final Set<Connection> connected = new LinkedHashSet<>();
  private boolean detached; // the syncer let go of the replica for a rebuilt one (detach), not attached yet
  private final java.util.List<Runnable> held = new java.util.ArrayList<>(); // client messages while detached
  private volatile long readyVersion = -1; // the latest versionReady

  private final SyncMetrics metrics;

  /** Keeps the client view records in {@code recordsDir}. */
  public SyncHub(String serverVersion, java.nio.file.Path recordsDir, ViewSyncer.Options options) {
    this(serverVersion, recordsDir, options, SyncMetrics.unexported());
  }

  /** As above, recording into {@code metrics}. */
  public SyncHub(String serverVersion, java.nio.file.Path recordsDir, ViewSyncer.Options options,
      SyncMetrics metrics) {
    this.serverVersion = serverVersion;
    this.recordsDir = recordsDir;
    this.options = options;
    this.metrics = metrics;
    // Gauges read a snapshot the view-sync thread publishes, never the syncer itself.
    thread.scheduleWithFixedDelay(() -> run(() -> metrics.publish(syncer == null ? SyncMetrics.Counts.NONE
        : syncer.counts())), 1, 1, TimeUnit.SECONDS);
    long tick = Math.max(1_000, Math.min(10_000, options.idleGroupMillis() / 2));
    thread.scheduleWithFixedDelay(() -> run(() -> {
      if (syncer != null) {
        int n = syncer.evictIdle();
        if (n > 0) {
          log.debug("unloaded {} idle client groups", n);
        }
      }
    }), tick, tick, TimeUnit.MILLISECONDS);
  }

  /**
   * Serves the replica {@code replica} gives (the replicator's current store), once the replicator says it is
   * ready ({@link #versionReady}).
   */
  public void attach(Supplier<ReplicaStore> replica) {
    this.replica = replica;
  }

  public SyncMetrics metrics() {
    return metrics;
  }

  public ViewSyncer.Options options() {
    return options;
  }

  /** Counts a connection the server closed with {@code code} (the transport calls it). */
  public void countClose(int code) {
    metrics.close(code);
  }

  /** How many connections the server closed with {@code code}. */
  public long closes(int code) {
    return metrics.closes(code);
  }

  /** How many clients are connected (sessions the view syncer holds); waits for the view-sync thread. */
  public int sessions() throws InterruptedException, ExecutionException {
    return thread.submit(() -> syncer == null ? 0 : syncer.sessions()).get();
  }

  /** The replica has a new version: advance the views soon (coalesced with an advance already queued). */
  @Override
  public void versionReady(Lsn version) {
    readyVersion = version.value();
    replicaReady = true;
    advanceSoon();
  }

  private void advanceSoon() {
    if (advanceQueued.compareAndSet(false, true) && !thread.isShutdown()) {
      try {
        thread.execute(() -> {
          advanceQueued.set(false);
          run(() -> {
            if (syncer() != null && syncer.advance()) {
              advanceSoon(); // a view waits for an index the next snapshot sees
            }
          });
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed meanwhile: a replicator still streaming after the hub closed has no one to tell
      }
    }
  }

  /**
   * A rebuilt replica is about to replace the current one ({@code OnlineRebuild}): the views let go of the
   * replica, but every client stays connected with its queries and rows; their messages wait, new connects are
   * told to retry (1013). The first {@link #versionReady} at or past the last version poked (from the rebuilt
   * replica's replicator) attaches the views to it, and clients get only the difference. Waits for the view-sync
   * thread (at most 60 s).
   */
  public void detach() throws InterruptedException, ExecutionException, TimeoutException {
    thread.submit(() -> {
      replicaReady = false;
      readyVersion = -1;
      if (syncer != null && !detached) {
        run(syncer::detach);
        detached = true;
      }
    }).get(60, TimeUnit.SECONDS);
  }

  /** Attaches the detached syncer to the replica once it is at the last version poked. View-sync thread. */
  private void attachIfReady() throws SQLException {
    if (!detached || !replicaReady || readyVersion < syncer.lastVersion()) {
      return;
    }
    ReplicaStore store = replica.get();
    if (store == null) {
      return;
    }
    syncer.attach(store);
    detached = false;
    log.info("views attached to the rebuilt replica; clients get what differs");
    java.util.List<Runnable> waiting = new java.util.ArrayList<>(held);
    held.clear();
    waiting.forEach(Runnable::run);
  }

  /** The syncer, made on first use once the replica is ready; null before, and while detached. View-sync thread. */
  private ViewSyncer syncer() {
    if (detached) {
      try {
        attachIfReady();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot attach the views to the rebuilt replica", e);
      }
      return detached ? null : syncer;
    }
    if (syncer == null && replicaReady) {
      ReplicaStore store = replica.get();
      if (store != null) {
        try {
          syncer = new ViewSyncer(store, recordsDir, QueryLimits.DEFAULTS, options, serverVersion, metrics);
        } catch (SQLException e) {
          throw new IllegalStateException("cannot open the client view records in " + recordsDir, e);
        }
      }
    }
    return syncer;
  }

  /** Closes the views and every connected client, and waits for it (at most 60 s). */
  @Override
  public void replicaReplacing() {
    try {
      thread.submit(() -> {
        replicaReady = false;
        for (Connection c : connected) {
          c.session = null;
          c.closer.close(CLOSE_REPLICA_REPLACED, "the replica is being rebuilt; reconnect");
        }
        connected.clear();
        if (syncer != null) {
          ViewSyncer old = syncer;
          syncer = null;
          run(old::close);
        }
      }).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.error("the view syncer did not let go of the replica", e);
    }
  }

  /** A message from a client, already parsed. */
  public void receive(Connection c, ClientMessage m) {
    thread.execute(() -> run(() -> handle(c, m)));
  }

  /** The client's socket takes more again (below its low write watermark): it catches up soon. */
  public void writable(Connection c) {
    thread.execute(() -> {
      if (syncer != null && c.session != null) {
        syncer.writable(c.session);
      }
    });
    advanceSoon();
  }

  /** The client's connection closed. */
  public void closed(Connection c) {
    thread.execute(() -> {
      connected.remove(c);
      if (syncer != null && c.session != null) {
        syncer.disconnect(c.session);
      }
    });
  }

  private void handle(Connection c, ClientMessage m) throws SQLException {
    if (detached && !(m instanceof ClientMessage.Ping) && c.session != null && syncer() == null) {
      held.add(() -> run(() -> handle(c, m))); // a connected client's message waits for the rebuilt replica
      return;
    }
    if (m instanceof ClientMessage.Ping ping) {
      c.out.accept(ServerMessage.pong(ping.id()));
    } else if (m instanceof ClientMessage.Connect connect) {
      if (c.session != null) {
        error(c, ProtocolError.of(ProtocolError.Kind.ALREADY_CONNECTED, "this connection is connected already"));
      } else if (syncer() == null) {
        c.closer.close(CLOSE_NOT_READY, "the replica is not ready yet; reconnect with backoff");
      } else {
        c.session = syncer.connect(connect, c.out, c.writable);
        if (c.session != null) {
          connected.add(c);
          c.connected = true;
        }
        advanceSoon(); // the first poke: the group's state
      }
    } else if (c.session == null) {
      error(c, ProtocolError.of(ProtocolError.Kind.NOT_CONNECTED, "send connect first"));
    } else if (m instanceof ClientMessage.Subscribe s) {
      syncer.subscribe(c.session, s);
      advanceSoon();
    } else if (m instanceof ClientMessage.Unsubscribe u) {
      syncer.unsubscribe(c.session, u);
      advanceSoon();
    } else {
      throw new IllegalStateException("unknown message " + m);
    }
  }

  private void error(Connection c, ProtocolError e) {
    metrics.error(e.kind());
    c.out.accept(ServerMessage.error(e));
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
