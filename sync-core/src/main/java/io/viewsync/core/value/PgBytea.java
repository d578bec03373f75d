package io.viewsync.core.value;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes the text form of a Postgres {@code bytea}.
 *
 * <p>Two formats exist (Postgres docs, "Binary Data Types"): the hex format {@code \x0a0b…}, which
 * {@code bytea_output = hex} (the default since 9.0) writes, and the legacy escape format, in which
 * printable ASCII stands for itself, {@code \\} for a backslash and {@code \ooo} (three octal digits)
 * for any byte. A string that does not start with {@code \x} is read as the escape format. The hex
 * reader accepts upper- and lower-case digits and, like {@code byteain}, whitespace between pairs.
 *
 * <p>Pure and stateless; safe from any thread.
 */
final class PgBytea {

  private PgBytea() {}

  static byte[] fromText(String text) {
    if (text.startsWith("\\x")) {
      return fromHex(text);
    }
    return fromEscape(text);
  }

  private static byte[] fromHex(String text) {
    byte[] out = new byte[(text.length() - 2) / 2];
    int n = 0;
    int i = 2;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        i++;
        continue;
      }
      if (i + 1 >= text.length()) {
        throw ValueFormatException.of("bytea", "odd number of hex digits", text);
      }
      int hi = Character.digit(c, 16);
      int lo = Character.digit(text.charAt(i + 1), 16);
      if (hi < 0 || lo < 0) {
        throw ValueFormatException.of("bytea", "invalid hex digit at position " + (hi < 0 ? i : i + 1), text);
      }
      out[n++] = (byte) (hi << 4 | lo);
      i += 2;
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static byte[] fromEscape(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '\\') {
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != '\\') {
          end++;
        }
        // Escape output is pure ASCII; anything else arrived as UTF-8 and goes back as UTF-8.
        out.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      } else if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
        out.write('\\');
        i += 2;
      } else if (i + 3 < text.length() && isOctal(text, i + 1) && isOctal(text, i + 2) && isOctal(text, i + 3)
          && text.charAt(i + 1) <= '3') {
        out.write((text.charAt(i + 1) - '0') << 6 | (text.charAt(i + 2) - '0') << 3 | (text.charAt(i + 3) - '0'));
        i += 4;
      } else {
        throw ValueFormatException.of("bytea", "invalid escape at position " + i, text);
      }
    }
    return out.toByteArray();
  }

  private static boolean isOctal(String s, int i) {
    char c = s.charAt(i);
    return c >= '0' && c <= '7';
  }
}
