package io.viewsync.core;

/**
 * A PostgreSQL write-ahead-log position (an unsigned 64-bit byte offset), written {@code X/Y} in hex.
 *
 * <p>Immutable value; safe from any thread. Ordering is unsigned, as in Postgres.
 */
public record Lsn(long value) implements Comparable<Lsn> {

  public static final Lsn ZERO = new Lsn(0);

  /** Parses Postgres' text form, e.g. {@code 16/B374D848}. */
  public static Lsn parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("not an LSN (expected X/Y in hex): " + text);
    }
    try {
      long hi = Long.parseLong(text.substring(0, slash), 16);
      long lo = Long.parseLong(text.substring(slash + 1), 16);
      if (hi > 0xFFFFFFFFL || lo > 0xFFFFFFFFL || hi < 0 || lo < 0) {
        throw new IllegalArgumentException("not an LSN (each half is 32 bits): " + text);
      }
      return new Lsn((hi << 32) | lo);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an LSN (expected X/Y in hex): " + text, e);
    }
  }

  public static Lsn of(long value) {
    return value == 0 ? ZERO : new Lsn(value);
  }

  public boolean isAfter(Lsn other) {
    return compareTo(other) > 0;
  }

  public boolean isAtOrBefore(Lsn other) {
    return compareTo(other) <= 0;
  }

  public static Lsn max(Lsn a, Lsn b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public int compareTo(Lsn o) {
    return Long.compareUnsigned(value, o.value);
  }

  @Override
  public String toString() {
    return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
  }
}
