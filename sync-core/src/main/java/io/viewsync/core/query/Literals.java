package io.viewsync.core.query;

/** Small facts about literal values shared by validation and normalization. Stateless; safe from any thread. */
final class Literals {
  private Literals() {}

  /** Whether {@code d} is a whole number that a {@code long} holds exactly. */
  static boolean isLong(double d) {
    // 2^63 is exactly representable as a double, so the upper bound is exclusive.
    return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63;
  }
}
