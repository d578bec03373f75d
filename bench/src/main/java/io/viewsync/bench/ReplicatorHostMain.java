package io.viewsync.bench;

import io.viewsync.core.source.pg.PgConnector;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorConfig;
import io.viewsync.replica.ReplicatorStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The child JVM that hosts the replicators a benchmark runs, so that their memory is measured apart from the
 * bench harness (peak RSS, {@code VmHWM}). Several replicators run one after another in the same JVM, as one
 * long-lived viewsync process would; commands come one a line on stdin, answers go one a line to stdout
 * (logging goes to stderr):
 *
 * <pre>
 * open JDBC_URL USER REPLICA_DIR SLOT  → OPENED      (constructs the replicator, nothing runs yet)
 * start                                → STARTED, then STREAMING once status().phase() is "streaming"
 *                                        (or FAILED message)
 * resync TABLE                         → RESYNC result (a {@link io.viewsync.replica.ResyncResult} name: the
 *                                        request is queued, the answer does not wait for the copy)
 * status TABLE                         → STATUS phase watermark state (the table's state, "-" if unknown)
 * close                                → CLOSED
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
    System.out.println("READY");
    System.out.flush();
    for (String line; (line = in.readLine()) != null; ) {
      String[] w = line.trim().split(" ");
      switch (w[0]) {
        case "open" -> {
          Properties p = new Properties();
          p.setProperty("user", w[2]);
          ReplicatorConfig config = ReplicatorConfig.defaults(new PgConnector(w[1], p), Path.of(w[3])).withSlot(w[4]);
          replicator = new Replicator(config, lsn -> { });
          answer("OPENED");
        }
        case "start" -> {
          replicator.start();
          answer("STARTED");
          awaitStreaming(replicator);
        }
        case "resync" -> answer("RESYNC " + replicator.requestResync(w[1]));
        case "status" -> answer(statusLine(replicator.status(), w[1]));
        case "close" -> {
          replicator.close();
          replicator = null;
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
}
