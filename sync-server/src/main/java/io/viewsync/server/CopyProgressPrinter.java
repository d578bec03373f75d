package io.viewsync.server;

import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorStatus;
import io.viewsync.server.cli.ProgressBar;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * While the serving replicator makes its initial copy, a live progress bar on a terminal (redrawn twice a second on
 * one line of stderr, where the log goes too); it ends when the copy does. Nothing when stderr is not a terminal:
 * the log's per-table copy lines tell the same there.
 *
 * <p>Runs on its own daemon thread; {@link #start} from any thread.
 */
final class CopyProgressPrinter {
  private CopyProgressPrinter() {}

  static void start(Supplier<Replicator> replicator, PrintStream err) {
    if (System.console() == null) {
      return;
    }
    Thread t = new Thread(() -> run(replicator, err), "viewsync-copy-progress");
    t.setDaemon(true);
    t.start();
  }

  private static void run(Supplier<Replicator> replicator, PrintStream err) {
    long start = System.nanoTime();
    boolean drawn = false;
    try {
      while (true) {
        ReplicatorStatus s = replicator.get().status();
        boolean copying = "copying".equals(s.phase()) || "starting".equals(s.phase());
        long done = 0;
        long estimate = 0;
        boolean unknown = false;
        for (ReplicatorStatus.Table table : s.tables()) {
          if ("copying".equals(table.state())) {
            done += Math.max(0, table.rows());
            unknown |= table.estimate() < 0;
            estimate += Math.max(0, table.estimate());
          }
        }
        if (unknown) {
          estimate = -1;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (copying && !s.tables().isEmpty()) {
          Double eta = done > 0 && estimate > done ? elapsed * (estimate - done) / done : null;
          // Cursor back to the line's start: a log line written meanwhile overwrites the bar, not follows it.
          err.print("\r" + ProgressBar.line("initial copy", done, estimate, elapsed, eta, false) + "\u001b[K\r");
          err.flush();
          drawn = true;
        } else if (!copying) {
          if (drawn) {
            err.println(String.format(java.util.Locale.ROOT, "\rinitial copy done in %.1f s\u001b[K", elapsed));
          }
          return;
        }
        Thread.sleep(500);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // a progress bar never stops the service
    }
  }
}
