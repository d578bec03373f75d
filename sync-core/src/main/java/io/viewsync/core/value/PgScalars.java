package io.viewsync.core.value;

/**
 * The small scalar rules shared by the text and binary paths: booleans, integers, floats and uuids.
 *
 * <p>Floats: a finite value is a {@code Double} ({@code float4} widened exactly, so the text path
 * parses with {@link Float#parseFloat} first to round once, as Postgres did). {@code NaN},
 * {@code Infinity} and {@code -Infinity} become exactly those TEXT strings, Postgres' own spelling,
 * because SQLite stores a NaN double as NULL. Negative zero stays the double {@code -0.0}; note that
 * SQLite turns it into {@code 0.0} in a column with REAL affinity (it stores integral reals as
 * integers), while Postgres compares {@code -0 = 0} as true anyway.
 *
 * <p>Pure and stateless; safe from any thread.
 */
final class PgScalars {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PgScalars() {}

  /** {@code t}/{@code f} as {@code boolout} writes them; {@code true}/{@code false} also accepted. */
  static boolean parseBool(String text, String whole) {
    return switch (text) {
      case "t", "true" -> true;
      case "f", "false" -> false;
      default -> throw ValueFormatException.of("bool", "expected t or f", whole);
    };
  }

  static long parseLong(String text, String typeName, String whole) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw ValueFormatException.of(typeName, "not an integer: " + text, whole);
    }
  }

  static Object parseFloat4(String text) {
    try {
      return storedFloat(Float.parseFloat(checkFloatText(text, "float4")));
    } catch (NumberFormatException e) {
      throw ValueFormatException.of("float4", "not a number", text);
    }
  }

  static Object parseFloat8(String text) {
    try {
      return storedFloat(Double.parseDouble(checkFloatText(text, "float8")));
    } catch (NumberFormatException e) {
      throw ValueFormatException.of("float8", "not a number", text);
    }
  }

  /** A finite double as itself, the non-finite ones as Postgres spells them. */
  static Object storedFloat(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return d;
  }

  /** Java also reads "1d", "1f", hex floats and surrounding spaces; Postgres never writes those. */
  private static String checkFloatText(String text, String typeName) {
    if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) {
      return text;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
        throw ValueFormatException.of(typeName, "not a number", text);
      }
    }
    return text;
  }

  /** The canonical {@code 8-4-4-4-12} lower-case form of 16 bytes, as {@code uuid_out} writes it. */
  static String uuid(byte[] buf, int off) {
    char[] out = new char[36];
    int o = 0;
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        out[o++] = '-';
      }
      int b = buf[off + i] & 0xff;
      out[o++] = HEX[b >>> 4];
      out[o++] = HEX[b & 0xf];
    }
    return new String(out);
  }
}
