package io.viewsync.server.config;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Percent-encoding of UTF-8 text (RFC 3986 §2.1), the one implementation the upstream URL, the HTTP router's path
 * parameters and the admin client share. Stateless; any thread.
 */
public final class PercentEncoding {
  private PercentEncoding() {}

  /** Encodes everything but the unreserved characters ({@code A-Z a-z 0-9 - . _ ~}), so any decoder reads it back. */
  public static String encode(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xFF;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        b.append((char) c);
      } else {
        b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return b.toString();
  }

  /**
   * Decodes {@code %XX} escapes of UTF-8 bytes; with {@code plusIsSpace} also {@code +} to a space (form and
   * pgjdbc URL style).
   *
   * @throws IllegalArgumentException for a {@code %} not followed by two hex digits, or bytes that are not UTF-8
   *     (the message never repeats the input, which may be a password)
   */
  public static String decode(String s, boolean plusIsSpace) {
    if (s.indexOf('%') < 0 && !(plusIsSpace && s.indexOf('+') >= 0)) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 1 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("has a '%' that is not followed by two hex digits");
        }
        bytes.write(hi * 16 + lo);
        i += 3;
      } else if (c == '+' && plusIsSpace) {
        bytes.write(' ');
        i++;
      } else {
        int end = i + 1;
        while (end < s.length() && s.charAt(end) != '%' && !(plusIsSpace && s.charAt(end) == '+')) {
          end++;
        }
        bytes.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end;
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("has percent-encoded bytes that are not UTF-8");
    }
  }
}
