package io.viewsync.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Reads a byte stream (pg_recvlogical's output) on its own thread and records, for each marker
 * {@code vsmkNNNNNN} (six digits) it finds, the {@link System#nanoTime()} at which the bytes holding it were read.
 * Markers may straddle reads: the last few bytes of each read are kept and searched again with the next.
 *
 * <p>{@link #seenAt} is safe from any thread.
 */
final class MarkerScanner implements Runnable {
  static final String PREFIX = "vsmk";
  private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
  private static final int LENGTH = PREFIX_BYTES.length + 6;

  private final InputStream in;
  private final AtomicLongArray seen;

  MarkerScanner(InputStream in, int markers) {
    this.in = in;
    this.seen = new AtomicLongArray(markers);
  }

  static String marker(int n) {
    return PREFIX + String.format("%06d", n);
  }

  /** When marker {@code n} was first read, or 0 if not yet. */
  long seenAt(int n) {
    return seen.get(n);
  }

  @Override
  public void run() {
    byte[] buf = new byte[64 * 1024 + LENGTH];
    int carry = 0;
    try {
      for (int r; (r = in.read(buf, carry, buf.length - carry)) > 0; ) {
        long now = System.nanoTime();
        int end = carry + r;
        scan(buf, end, now);
        carry = Math.min(LENGTH - 1, end);
        System.arraycopy(buf, end - carry, buf, 0, carry);
      }
    } catch (IOException e) {
      // the process was stopped
    }
  }

  private void scan(byte[] b, int end, long now) {
    outer:
    for (int i = 0; i + LENGTH <= end; i++) {
      for (int j = 0; j < PREFIX_BYTES.length; j++) {
        if (b[i + j] != PREFIX_BYTES[j]) {
          continue outer;
        }
      }
      int n = 0;
      for (int j = PREFIX_BYTES.length; j < LENGTH; j++) {
        int d = b[i + j] - '0';
        if (d < 0 || d > 9) {
          continue outer;
        }
        n = n * 10 + d;
      }
      if (n < seen.length()) {
        seen.compareAndSet(n, 0, now);
      }
    }
  }
}
