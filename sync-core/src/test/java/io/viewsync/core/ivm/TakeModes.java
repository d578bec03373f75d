package io.viewsync.core.ivm;

/**
 * Runs code with {@link Take}'s fetches across partitions forced onto the path that reads the input's rows and
 * keeps those in a window, instead of asking each window: tests with few windows would otherwise only ever take
 * the other path. One test thread at a time.
 */
public final class TakeModes {
  private TakeModes() {}

  public static void scanningAcrossPartitions(Runnable r) {
    int old = Take.askEachWindow;
    Take.askEachWindow = -1;
    try {
      r.run();
    } finally {
      Take.askEachWindow = old;
    }
  }
}
