package io.viewsync.core.value;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Builds values in Postgres' binary send format (big-endian), for tests. */
final class PgBinary {

  private PgBinary() {}

  static byte[] bool(boolean v) {
    return new byte[] {(byte) (v ? 1 : 0)};
  }

  static byte[] int2(short v) {
    return ByteBuffer.allocate(2).putShort(v).array();
  }

  static byte[] int4(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  static byte[] int8(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static byte[] float4(float v) {
    return ByteBuffer.allocate(4).putFloat(v).array();
  }

  /** Raw IEEE bits, so NaN payloads survive. */
  static byte[] float4Bits(int bits) {
    return int4(bits);
  }

  static byte[] float8(double v) {
    return ByteBuffer.allocate(8).putDouble(v).array();
  }

  static byte[] float8Bits(long bits) {
    return int8(bits);
  }

  /** {@code timestamp}/{@code timestamptz}: µs since 2000-01-01 UTC. */
  static byte[] timestamp(long pgMicros) {
    return int8(pgMicros);
  }

  static byte[] uuid(UUID u) {
    return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
