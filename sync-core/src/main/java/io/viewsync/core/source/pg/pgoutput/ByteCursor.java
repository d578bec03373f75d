package io.viewsync.core.source.pg.pgoutput;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A forward-only reader over one pgoutput message, in the byte order and string encoding of the
 * PostgreSQL frontend/backend protocol (big-endian integers, NUL-terminated UTF-8 strings).
 *
 * <p>Every read checks bounds and throws {@link PgOutputParseException} with a sentence, never an
 * {@link IndexOutOfBoundsException}. Not thread-safe; one cursor per message.
 */
final class ByteCursor {
  private final ByteBuffer buf;

  ByteCursor(ByteBuffer source) {
    this.buf = source.slice();
  }

  int remaining() {
    return buf.remaining();
  }

  int position() {
    return buf.position();
  }

  byte int8(String what) {
    need(1, what);
    return buf.get();
  }

  short int16(String what) {
    need(2, what);
    return buf.getShort();
  }

  int int32(String what) {
    need(4, what);
    return buf.getInt();
  }

  long int64(String what) {
    need(8, what);
    return buf.getLong();
  }

  /** A NUL-terminated string. */
  String cstring(String what) {
    int start = buf.position();
    for (int i = start; i < buf.limit(); i++) {
      if (buf.get(i) == 0) {
        String s = new String(bytesAt(start, i - start), StandardCharsets.UTF_8);
        buf.position(i + 1);
        return s;
      }
    }
    throw new PgOutputParseException("the " + what + " at byte " + start + " has no terminating NUL");
  }

  byte[] bytes(int length, String what) {
    if (length < 0) {
      throw new PgOutputParseException("the " + what + " has a negative length " + length);
    }
    need(length, what);
    byte[] out = new byte[length];
    buf.get(out);
    return out;
  }

  void expectEnd(String message) {
    if (buf.hasRemaining()) {
      throw new PgOutputParseException(
          "the " + message + " message has " + buf.remaining() + " unexpected trailing bytes");
    }
  }

  private byte[] bytesAt(int start, int length) {
    byte[] out = new byte[length];
    buf.get(start, out);
    return out;
  }

  private void need(int n, String what) {
    if (buf.remaining() < n) {
      throw new PgOutputParseException("the message ends inside the " + what + " (needed " + n
          + " bytes at byte " + buf.position() + ", " + buf.remaining() + " left)");
    }
  }
}
