package io.viewsync.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Gaps between successive events (watermark advances, upstream commits) given as sorted {@link System#nanoTime()}
 * values. Pure; safe from any thread.
 */
final class Gaps {
  private Gaps() {}

  /** The time between two successive events. */
  record Gap(long fromNanos, long toNanos) {
    double millis() {
      return (toNanos - fromNanos) / 1e6;
    }
  }

  /**
   * The gaps between successive events that overlap {@code [from, to]}, largest first. The first and last may
   * reach outside the window: a stall that began before the window still stalls readers inside it.
   */
  static List<Gap> overlapping(long[] events, long from, long to) {
    List<Gap> out = new ArrayList<>();
    for (int i = 0; i + 1 < events.length; i++) {
      if (events[i + 1] > from && events[i] < to) {
        out.add(new Gap(events[i], events[i + 1]));
      }
    }
    out.sort((a, b) -> Long.compare(b.toNanos() - b.fromNanos(), a.toNanos() - a.fromNanos()));
    return out;
  }

  /** The largest gap overlapping {@code [from, to]}; there must be one. */
  static Gap max(long[] events, long from, long to) {
    List<Gap> g = overlapping(events, from, to);
    if (g.isEmpty()) {
      throw new IllegalStateException("no events around the window");
    }
    return g.get(0);
  }
}
