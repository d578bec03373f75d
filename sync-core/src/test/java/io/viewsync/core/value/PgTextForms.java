package io.viewsync.core.value;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes values the way Postgres' output functions do (with extra_float_digits ≥ 1 and DateStyle
 * ISO), independently of the code under test, for tests.
 */
final class PgTextForms {

  private PgTextForms() {}

  /** {@code float8out}: shortest round-trip digits, %e style when the exponent is < -4 or >= 15. */
  static String float8(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d) || d == 0) {
      return special(d);
    }
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = new BigDecimal(d).round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (Double.parseDouble(r.toString()) == d) {
        return layout(r, 15);
      }
    }
    throw new AssertionError("no round-trip decimal for " + d);
  }

  /** {@code float4out}: the same with float digits, %e style when the exponent is < -4 or >= 6. */
  static String float4(float f) {
    if (Float.isNaN(f) || Float.isInfinite(f) || f == 0) {
      return special(f);
    }
    for (int p = 1; p <= 9; p++) {
      BigDecimal r = new BigDecimal(f).round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (Float.parseFloat(r.toString()) == f) {
        return layout(r, 6);
      }
    }
    throw new AssertionError("no round-trip decimal for " + f);
  }

  private static String special(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return 1 / d < 0 ? "-0" : "0";
  }

  private static String layout(BigDecimal r, int maxFixedExponent) {
    BigDecimal s = r.stripTrailingZeros();
    String digits = s.unscaledValue().abs().toString();
    int exp = digits.length() - 1 - s.scale();
    String sign = s.signum() < 0 ? "-" : "";
    if (exp >= -4 && exp < maxFixedExponent) {
      return sign + s.abs().toPlainString();
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }

  /**
   * {@code timestamptz_out} for Unix µs shown at a UTC offset (seconds east), or
   * {@code timestamp_out} when {@code withOffset} is false (the wall clock is then UTC's).
   */
  static String timestamp(long unixMicros, int offsetSeconds, boolean withOffset) {
    if (unixMicros == Long.MAX_VALUE) {
      return "infinity";
    }
    if (unixMicros == Long.MIN_VALUE) {
      return "-infinity";
    }
    long seconds = Math.floorDiv(unixMicros, 1_000_000L) + (withOffset ? offsetSeconds : 0);
    int micros = (int) Math.floorMod(unixMicros, 1_000_000L);
    LocalDateTime wall = LocalDateTime.ofEpochSecond(seconds, micros * 1000, ZoneOffset.UTC);
    int year = wall.getYear();
    StringBuilder b = new StringBuilder(String.format("%04d-%02d-%02d %02d:%02d:%02d",
        year > 0 ? year : 1 - year, wall.getMonthValue(), wall.getDayOfMonth(),
        wall.getHour(), wall.getMinute(), wall.getSecond()));
    if (micros != 0) {
      b.append('.').append(String.format("%06d", micros).replaceAll("0+$", ""));
    }
    if (withOffset) {
      b.append(offset(offsetSeconds));
    }
    if (year <= 0) {
      b.append(" BC");
    }
    return b.toString();
  }

  /** {@code EncodeTimezone}: ±HH, ±HH:MM or ±HH:MM:SS, as short as exact. */
  static String offset(int secondsEast) {
    int a = Math.abs(secondsEast);
    String s = (secondsEast >= 0 ? "+" : "-") + String.format("%02d", a / 3600);
    if (a % 60 != 0) {
      return s + String.format(":%02d:%02d", a / 60 % 60, a % 60);
    }
    if (a / 60 % 60 != 0) {
      return s + String.format(":%02d", a / 60 % 60);
    }
    return s;
  }
}
