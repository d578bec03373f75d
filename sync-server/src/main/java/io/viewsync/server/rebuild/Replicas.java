package io.viewsync.server.rebuild;

import io.viewsync.replica.ReplicaStore;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorConfig;
import io.viewsync.replica.StartupException;
import io.viewsync.server.sync.SyncHub;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's serving replicator, and the online rebuild that replaces its replica (DESIGN §5, promise 5): a
 * second replicator builds a new replica in {@code DIR/rebuild/} from a new slot (initial copy, then streaming
 * until it has caught up with the serving one), then the swap: the serving replicator stops, the views let go
 * of {@code DIR/replica.db} ({@link SyncHub#detach}), the new file takes its place, a replicator continues it
 * from the new slot, the views attach to it and clients get only the difference; the old slot is dropped.
 * Clients stay connected throughout. A rebuild that fails before the swap leaves the serving replica untouched.
 *
 * <p>Slots alternate between {@code SLOT} and {@code SLOT_b}: the replica records its slot, and a restart
 * continues with the one it records.
 *
 * <p>Thread-safe: {@link #current()}, {@link #status()} and {@link #rebuild()} from any thread; a rebuild runs on its
 * own thread, one at a time.
 */
public final class Replicas implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Replicas.class);
  /** The folder, inside the replica directory, where a rebuild builds the new replica. */
  public static final String REBUILD_DIR = "rebuild";

  private final ReplicatorConfig config;
  private final SyncHub hub;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile Replicator current;
  private volatile String currentSlot;
  private volatile boolean swapping;
  private volatile OnlineRebuild rebuild;
  private volatile RebuildStatus last = RebuildStatus.IDLE;

  private final java.util.function.UnaryOperator<ReplicatorConfig> buildingConfig;

  /** @param config the service's replicator config: its replica directory, and the base slot name */
  public Replicas(ReplicatorConfig config, SyncHub hub) {
    this(config, hub, c -> c);
  }

  /** For tests: {@code building} changes the config of a rebuild's new replicator (to make it fail, say). */
  Replicas(ReplicatorConfig config, SyncHub hub, java.util.function.UnaryOperator<ReplicatorConfig> building) {
    this.config = config;
    this.hub = hub;
    this.buildingConfig = building;
  }

  /** The slot to continue {@code dir}'s replica with: the one it records when it is one of ours, else the base. */
  static String slotFor(Path dir, String base) {
    return ReplicaStore.recorded(dir).map(ReplicaStore.Recorded::slot)
        .filter(s -> s.equals(base) || s.equals(alternate(base))).orElse(base);
  }

  /** The other slot of the pair. */
  static String alternate(String slot) {
    return slot.endsWith("_b") ? slot.substring(0, slot.length() - 2) : slot + "_b";
  }

  /** Starts the serving replicator (startup checks on this thread, replication in the background). */
  public void start() throws StartupException, SQLException {
    String slot = slotFor(config.replicaDir(), config.slot());
    Replicator r = serving(new Replicator(config.withSlot(slot), hub));
    current = r;
    currentSlot = slot;
    r.start();
    watch(r);
  }

  /**
   * A serving replicator: when its slot is found lost, gone or past the replica, it keeps serving the replica as
   * it is (stale) and an online rebuild starts by itself (automatic recovery, DESIGN §4).
   */
  private Replicator serving(Replicator r) {
    r.onSlotLost(problem -> {
      log.warn("automatic recovery: {}; starting an online rebuild", problem);
      rebuild();
    });
    return r;
  }

  private void watch(Replicator r) {
    r.terminated().whenComplete((v, e) -> {
      if (r == current && !swapping) {
        if (e == null) {
          terminated.complete(null);
        } else {
          terminated.completeExceptionally(e);
        }
      }
    });
  }

  /** The serving replicator. */
  public Replicator current() {
    return current;
  }

  /** The serving replica (for the views). */
  public ReplicaStore store() {
    return current.store();
  }

  /** Completes when the serving replicator stops for good (not when a rebuild swaps it). */
  public CompletableFuture<Void> terminated() {
    return terminated;
  }

  /** Starts an online rebuild; when one runs already, nothing new starts. Returns its status and whether it started. */
  public synchronized Started rebuild() {
    OnlineRebuild running = rebuild;
    if (running != null && running.status().running()) {
      return new Started(false, running.status());
    }
    OnlineRebuild r = new OnlineRebuild(this, alternate(currentSlot));
    rebuild = r;
    Thread t = new Thread(r::run, "viewsync-rebuild");
    t.setDaemon(true);
    t.start();
    return new Started(true, r.status());
  }

  /** This as {@code /admin/rebuild} sees it. */
  public io.viewsync.server.http.Rebuilder rebuilder() {
    return new io.viewsync.server.http.Rebuilder() {
      @Override
      public Answer rebuild() {
        Started s = Replicas.this.rebuild();
        return new Answer(s.started(), s.status());
      }

      @Override
      public Object status() {
        return Replicas.this.status();
      }
    };
  }

  /** What {@link #rebuild()} did. */
  public record Started(boolean started, RebuildStatus status) {}

  /** The running rebuild's status, else the last one's, else {@code idle}. */
  public RebuildStatus status() {
    OnlineRebuild r = rebuild;
    return r == null ? last : r.status();
  }

  @Override
  public void close() {
    OnlineRebuild r = rebuild;
    if (r != null) {
      r.cancel();
    }
    Replicator c = current;
    if (c != null) {
      c.close();
    }
  }

  // What an OnlineRebuild needs of the service's replicas (its thread only).

  ReplicatorConfig config() {
    return config;
  }

  SyncHub hub() {
    return hub;
  }

  java.util.function.UnaryOperator<ReplicatorConfig> buildingConfig() {
    return buildingConfig;
  }

  String currentSlot() {
    return currentSlot;
  }

  boolean swapping() {
    return swapping;
  }

  /** While true, the serving replicator stopping is the swap, not the service's end. */
  void swapping(boolean on) {
    swapping = on;
  }

  /** Serves from {@code next} (started here), streaming from {@code slot}; the swap is over. */
  void serveFrom(Replicator next, String slot) throws StartupException, SQLException {
    Replicator r = serving(next);
    current = r;
    currentSlot = slot;
    r.start();
    swapping = false;
    watch(r);
  }

  /** The service cannot serve any more (a swap failed and serving again did too). */
  void failed(Throwable e) {
    terminated.completeExceptionally(e);
  }

  /** A rebuild ended with {@code status}. */
  void finished(RebuildStatus status) {
    last = status;
  }
}
