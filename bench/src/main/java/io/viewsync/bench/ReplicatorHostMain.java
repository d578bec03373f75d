package io.viewsync.bench;

import io.viewsync.core.Lsn;
import io.viewsync.core.source.pg.PgConnector;
import io.viewsync.replica.ReplicaListener;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorConfig;
import io.viewsync.replica.ReplicatorStatus;
import io.viewsync.server.http.HttpServer;
import io.viewsync.server.http.HttpServerInitializer;
import io.viewsync.server.http.StatusProvider;
import io.viewsync.server.http.TableResyncer;
import io.viewsync.server.sync.SyncHub;
import io.viewsync.server.sync.ViewSyncer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;

/**
 * The child JVM that hosts the replicators a benchmark runs, so that their memory is measured apart from the
 * bench harness (peak RSS, {@code VmHWM}). Several replicators run one after another in the same JVM, as one
 * long-lived viewsync process would; commands come one a line on stdin, answers go one a line to stdout
 * (logging goes to stderr):
 *
 * <pre>
 * open JDBC_URL USER REPLICA_DIR SLOT  → OPENED      (constructs the replicator, nothing runs yet)
 * open JDBC_URL USER REPLICA_DIR SLOT sync
 *                                      → OPENED      (the same, with a {@link SyncHub} as its listener, as the
 *                                        service wires it; each {@code versionReady} is timed first)
 * start                                → STARTED, then STREAMING once status().phase() is "streaming"
 *                                        (or FAILED message)
 * resync TABLE                         → RESYNC result (a {@link io.viewsync.replica.ResyncResult} name: the
 *                                        request is queued, the answer does not wait for the copy)
 * status TABLE                         → STATUS phase watermark state (the table's state, "-" if unknown)
 * serve                                → SERVING port (after open … sync: an {@link HttpServer} with the hub
 *                                        at {@code /sync/v1} on 127.0.0.1, a free port)
 * versions FILE                        → VERSIONS n (writes "nanoTime lsn" a line for every versionReady so far:
 *                                        when the replica durably held each watermark; the hub is told then)
 * heap                                 → HEAP bytes (heap used after two System.gc())
 * nanos                                → NANOS System.nanoTime() (the bench checks that the clock is shared)
 * close                                → CLOSED      (the HTTP server first and the hub last, as the service)
 * exit                                 → the JVM exits
 * </pre>
 *
 * <p>Single-threaded apart from the replicator's own threads.
 */
public final class ReplicatorHostMain {
  private ReplicatorHostMain() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Replicator replicator = null;
    SyncHub hub = null;
    TimedListener versions = null;
    HttpServer http = null;
    System.out.println("READY");
    System.out.flush();
    for (String line; (line = in.readLine()) != null; ) {
      String[] w = line.trim().split(" ");
      switch (w[0]) {
        case "open" -> {
          Properties p = new Properties();
          p.setProperty("user", w[2]);
          ReplicatorConfig config = ReplicatorConfig.defaults(new PgConnector(w[1], p), Path.of(w[3])).withSlot(w[4]);
          if (w.length > 5 && w[5].equals("sync")) {
            hub = new SyncHub("bench", Path.of(w[3]), ViewSyncer.Options.DEFAULTS);
            versions = new TimedListener(hub);
            replicator = new Replicator(config, versions);
            hub.attach(replicator::store);
          } else {
            replicator = new Replicator(config, lsn -> { });
          }
          answer("OPENED");
        }
        case "start" -> {
          replicator.start();
          answer("STARTED");
          awaitStreaming(replicator);
        }
        case "resync" -> answer("RESYNC " + replicator.requestResync(w[1]));
        case "status" -> answer(statusLine(replicator.status(), w[1]));
        case "serve" -> {
          Replicator r = replicator;
          http = new HttpServer("127.0.0.1", 0, new HttpServerInitializer(new StatusProvider() {
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
              return r.status();
            }
          }, table -> TableResyncer.Answer.of(r.requestResync(table)), Optional.empty(),
              hub));
          http.start();
          answer("SERVING " + http.port());
        }
        case "versions" -> answer("VERSIONS " + versions.write(Path.of(w[1])));
        case "heap" -> {
          System.gc();
          System.gc();
          answer("HEAP " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        case "nanos" -> answer("NANOS " + System.nanoTime());
        case "close" -> {
          // The service's order: the HTTP server, the replicator, then the hub (a hub closed first would refuse
          // the replicator's versionReady, and replication would fail and retry).
          if (http != null) {
            http.close();
            http = null;
          }
          replicator.close();
          replicator = null;
          if (hub != null) {
            hub.close();
            hub = null;
          }
          answer("CLOSED");
        }
        case "exit" -> {
          System.exit(0);
        }
        default -> answer("FAILED unknown command " + line);
      }
    }
  }

  private static String statusLine(ReplicatorStatus s, String table) {
    String state = "-";
    for (ReplicatorStatus.Table t : s.tables()) {
      if (t.name().equals(table)) {
        state = t.state();
      }
    }
    return "STATUS " + s.phase() + " " + s.watermark() + " " + state;
  }

  /** Polls every millisecond: the copy benchmark times the phase change, so a coarse poll would blur it. */
  private static void awaitStreaming(Replicator r) throws InterruptedException {
    while (!"streaming".equals(r.status().phase())) {
      if (r.terminated().isCompletedExceptionally()) {
        answer("FAILED " + r.status().lastError());
        return;
      }
      Thread.sleep(1);
    }
    answer("STREAMING");
  }

  private static void answer(String s) {
    System.out.println(s);
    System.out.flush();
  }

  /**
   * The replicator's listener in sync mode: records when each watermark was announced (System.nanoTime, which on
   * Linux is CLOCK_MONOTONIC, shared with the bench JVM), then tells the hub. Replication thread, plus
   * {@link #write} from the command thread.
   */
  private static final class TimedListener implements ReplicaListener {
    private final SyncHub hub;
    private long[] nanos = new long[4096];
    private long[] lsns = new long[4096];
    private int count;

    TimedListener(SyncHub hub) {
      this.hub = hub;
    }

    @Override
    public void versionReady(Lsn version) {
      long now = System.nanoTime();
      synchronized (this) {
        if (count == nanos.length) {
          nanos = Arrays.copyOf(nanos, count * 2);
          lsns = Arrays.copyOf(lsns, count * 2);
        }
        nanos[count] = now;
        lsns[count++] = version.value();
      }
      hub.versionReady(version);
    }

    @Override
    public void replicaReplacing() {
      hub.replicaReplacing();
    }

    synchronized int write(Path file) throws java.io.IOException {
      try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
        for (int i = 0; i < count; i++) {
          out.println(nanos[i] + " " + lsns[i]);
        }
      }
      return count;
    }
  }
}
