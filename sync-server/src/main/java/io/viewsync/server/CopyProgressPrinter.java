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
    long copied = 0; // rows, as last drawn
    try {
      while (true) {
        ReplicatorStatus s = replicator.get().status();
        boolean copying = "copying".equals(s.phase()) || "starting".equals(s.phase());
        long done = 0;
        long estimate = 0;
        for (ReplicatorStatus.Table table : s.tables()) {
          if (table.estimate() >= 0) {
            done += Math.max(0, table.rows());
            estimate += table.estimate();
          }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (copying && estimate > 0) {
          Double eta = done > 0 && estimate > done ? elapsed * (estimate - done) / done : null;
          err.print("\r" + ProgressBar.line("initial copy", done, estimate, elapsed, eta, false) + "\u001b[K");
          copied = done;
          err.flush();
          drawn = true;
        } else if (!copying) {
          if (drawn) {
            err.println("\r" + ProgressBar.line("initial copy", copied, copied, elapsed, null, true) + "\u001b[K");
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
