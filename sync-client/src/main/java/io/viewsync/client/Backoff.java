package io.viewsync.client;

import java.time.Duration;

/**
 * Reconnect delays: {@code initial}, doubling after each failed attempt up to {@code max}; back to {@code initial}
 * once a connection has worked (applied a poke). No jitter: a client group's tabs reconnecting together is a
 * handful of sockets, not a herd.
 *
 * <p>Not thread-safe: the client's thread only.
 */
final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private long nextMillis;

  Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max: " + initial + ", " + max);
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.nextMillis = initialMillis;
  }

  /** The delay before the next attempt; the one after is twice as long, up to the maximum. */
  long nextMillis() {
    long d = nextMillis;
    nextMillis = Math.min(maxMillis, d * 2);
    return d;
  }

  void reset() {
    nextMillis = initialMillis;
  }
}
