package io.viewsync.core.value;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * Converts Postgres {@code timestamp} and {@code timestamptz} values to microseconds since the Unix
 * epoch, UTC, from the text form (DateStyle ISO) and from the binary form.
 *
 * <p>Text form, as {@code timestamp_out}/{@code timestamptz_out} write it with DateStyle ISO
 * (Postgres {@code EncodeDateTime}): {@code YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC]}. The
 * year has at least four digits and may have more ({@code 10000-01-01 …}); the fraction has 1 to 6
 * digits (trailing zeros dropped); a {@code timestamptz} carries the session's offset, which may have
 * seconds (local mean time, e.g. {@code -04:56:02}); {@code BC} comes last, after the offset. Year N BC
 * is proleptic year 1 − N, and the calendar is proleptic Gregorian, as in Postgres and
 * {@link LocalDate}. A {@code timestamp} without time zone is taken as a UTC wall clock, which is also
 * what its binary form means. A {@code T} instead of the space is accepted too.
 *
 * <p>Infinities: Postgres stores {@code infinity} and {@code -infinity} as the int64 values
 * {@link Long#MAX_VALUE} and {@link Long#MIN_VALUE}; they are kept as exactly those values. A finite
 * timestamp whose Unix microseconds would be one of them or overflow (only the last ~30 years of
 * Postgres' range, after 294246 AD) is rejected with a {@link ValueFormatException} rather than
 * silently clamped.
 *
 * <p>Pure and stateless; safe from any thread.
 */
public final class PgTimestamp {

  /** Microseconds from 1970-01-01 to 2000-01-01, Postgres' epoch for the binary form and the protocol's times. */
  public static final long PG_EPOCH_OFFSET_MICROS = 946_684_800_000_000L;

  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

  private PgTimestamp() {}

  /** The binary form: int64 microseconds since 2000-01-01 00:00 UTC. */
  static long fromPgMicros(long pgMicros, String typeName) {
    if (pgMicros == Long.MAX_VALUE || pgMicros == Long.MIN_VALUE) {
      return pgMicros;
    }
    long unix;
    try {
      unix = Math.addExact(pgMicros, PG_EPOCH_OFFSET_MICROS);
    } catch (ArithmeticException e) {
      throw outOfRange(typeName, pgMicros + " µs after 2000-01-01");
    }
    return checkFinite(unix, typeName, pgMicros + " µs after 2000-01-01");
  }

  /** The text form, see the class comment. */
  static long fromText(String text, String typeName) {
    if (text.equals("infinity")) {
      return Long.MAX_VALUE;
    }
    if (text.equals("-infinity")) {
      return Long.MIN_VALUE;
    }
    Cursor c = new Cursor(text, typeName);
    int year = c.digits(1, 9);
    if (year == 0) {
      throw c.fail("there is no year 0");
    }
    c.expect('-');
    int month = c.digits(2, 2);
    c.expect('-');
    int day = c.digits(2, 2);
    if (!c.accept(' ') && !c.accept('T')) {
      throw c.fail("expected a space between date and time");
    }
    int hour = c.digits(2, 2);
    c.expect(':');
    int minute = c.digits(2, 2);
    c.expect(':');
    int second = c.digits(2, 2);
    long fraction = 0;
    if (c.accept('.')) {
      int start = c.pos;
      fraction = c.digits(1, 6);
      for (int n = c.pos - start; n < 6; n++) {
        fraction *= 10;
      }
    }
    boolean bc = bc(c); // Postgres writes BC last; accepting it before the offset costs nothing
    int offsetSeconds = 0;
    if (c.peek() == '+' || c.peek() == '-') {
      offsetSeconds = offset(c);
    }
    if (!bc && bc(c)) {
      bc = true;
    }
    if (bc) {
      year = 1 - year;
    }
    if (!c.atEnd()) {
      throw c.fail("unexpected text after the timestamp");
    }
    if (hour > 23 || minute > 59 || second > 59) {
      throw c.fail("time of day out of range");
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      throw c.fail("no such date");
    }
    long secondsOfDay = hour * 3600L + minute * 60L + second - offsetSeconds;
    try {
      long micros = Math.addExact(Math.multiplyExact(epochDay, MICROS_PER_DAY), secondsOfDay * MICROS_PER_SECOND + fraction);
      return checkFinite(micros, typeName, text);
    } catch (ArithmeticException e) {
      throw outOfRange(typeName, text);
    }
  }

  private static boolean bc(Cursor c) {
    if (c.accept(' ')) {
      c.expect('B');
      c.expect('C');
      return true;
    }
    return false;
  }

  /** {@code ±HH}, {@code ±HH:MM} or {@code ±HH:MM:SS}, as Postgres' {@code EncodeTimezone} writes it. */
  private static int offset(Cursor c) {
    int sign = c.next() == '-' ? -1 : 1;
    int hours = c.digits(2, 2);
    int minutes = 0;
    int seconds = 0;
    if (c.accept(':')) {
      minutes = c.digits(2, 2);
      if (c.accept(':')) {
        seconds = c.digits(2, 2);
      }
    }
    if (minutes > 59 || seconds > 59) {
      throw c.fail("offset out of range");
    }
    return sign * (hours * 3600 + minutes * 60 + seconds);
  }

  private static long checkFinite(long unixMicros, String typeName, String input) {
    if (unixMicros == Long.MAX_VALUE || unixMicros == Long.MIN_VALUE) {
      throw outOfRange(typeName, input);
    }
    return unixMicros;
  }

  private static ValueFormatException outOfRange(String typeName, String input) {
    return ValueFormatException.of(typeName,
        "finite timestamp outside the replica's range of int64 microseconds since 1970", input);
  }

  /** A position in the text; each step either advances or throws. */
  private static final class Cursor {
    private final String s;
    private final String typeName;
    int pos;

    Cursor(String s, String typeName) {
      this.s = s;
      this.typeName = typeName;
    }

    boolean atEnd() {
      return pos == s.length();
    }

    char peek() {
      return atEnd() ? '\0' : s.charAt(pos);
    }

    char next() {
      if (atEnd()) {
        throw fail("unexpected end");
      }
      return s.charAt(pos++);
    }

    boolean accept(char ch) {
      if (peek() == ch && !atEnd()) {
        pos++;
        return true;
      }
      return false;
    }

    void expect(char ch) {
      if (!accept(ch)) {
        throw fail("expected '" + ch + "' at position " + pos);
      }
    }

    /** Between min and max ASCII digits (at most 9, so the result fits an int). */
    int digits(int min, int max) {
      int start = pos;
      int value = 0;
      while (pos - start < max && pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        value = value * 10 + (s.charAt(pos++) - '0');
      }
      if (pos - start < min) {
        throw fail("expected digits at position " + start);
      }
      return value;
    }

    ValueFormatException fail(String reason) {
      return ValueFormatException.of(typeName, reason, s);
    }
  }
}
