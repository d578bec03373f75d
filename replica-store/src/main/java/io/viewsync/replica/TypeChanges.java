package io.viewsync.replica;

import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.value.PgType;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether the replica can follow an upstream column type change ({@code ALTER COLUMN … TYPE}) in place.
 *
 * <p>Postgres converts every value on most type changes, and logical replication never streams that rewrite. The
 * replica may keep its stored values only when each of them is exactly what it would store for the same row under
 * the new type. A shared storage class is not enough: {@code numeric(10,2)} → {@code numeric(10,1)} rounds,
 * {@code char(5)} → {@code char(8)} pads, {@code timestamp} → {@code timestamptz} shifts by the session's time
 * zone, {@code json} → {@code jsonb} normalizes. So this is a short list of changes known to keep every value (or
 * to fail upstream instead of changing one); anything else makes the caller copy the table again.
 *
 * <p>Pure; any thread.
 */
final class TypeChanges {
  private static final Set<Integer> INTEGERS = Set.of(PgType.INT2.oid(), PgType.INT4.oid(), PgType.INT8.oid());
  private static final Set<Integer> STRINGS = Set.of(PgType.TEXT.oid(), PgType.VARCHAR.oid());
  private static final Set<Integer> TIMES = Set.of(PgType.TIMESTAMP.oid(), PgType.TIMESTAMPTZ.oid(),
      PgType.TIME.oid(), PgType.TIMETZ.oid());
  // format_type's spelling of these types; a domain (its own name) matches neither, so it never passes as one.
  private static final Pattern NUMERIC = Pattern.compile("numeric(?:\\((\\d+)(?:,(-?\\d+))?\\))?");
  private static final Pattern TIME =
      Pattern.compile("(?:timestamp|time)(?:\\((\\d+)\\))?(?: with(?:out)? time zone)?");

  private TypeChanges() {}

  /** Null when the replica's stored values of the column stay right under the new type; else why not. */
  static String whyValuesChange(ColumnSpec from, ColumnSpec to) {
    if (keepsValues(from.type(), from.declaredType(), to.type(), to.declaredType(), false)) {
      return null;
    }
    return "column " + to.name() + " changed type from " + from.declaredType() + " to " + to.declaredType()
        + (from.type().storageClass() == to.type().storageClass() ? ", which changes its values"
        : ", which is stored as " + to.type().storageClass() + " instead of " + from.type().storageClass());
  }

  /**
   * @param fromDecl, toDecl the declared types as {@code format_type} writes them ({@code numeric(10,2)},
   *     {@code timestamp(3) with time zone}, {@code character varying(5)[]}, or a domain's name)
   */
  static boolean keepsValues(PgType from, String fromDecl, PgType to, String toDecl, boolean inArray) {
    if (from.storageClass() != to.storageClass()) {
      return false;
    }
    if (from.isArray() || to.isArray()) {
      // Elements are stored as JSON numbers/booleans or their text form: the element types decide.
      return from.isArray() && to.isArray() && from.element() != null && to.element() != null
          && keepsValues(from.element(), element(fromDecl), to.element(), element(toDecl), true);
    }
    if (from.oid() == to.oid()) {
      return fromDecl.equals(toDecl) || sameTypeKeepsValues(from.oid(), fromDecl, toDecl);
    }
    if (INTEGERS.contains(from.oid()) && INTEGERS.contains(to.oid())) {
      return true; // narrowing fails upstream on a value out of range, it never changes one
    }
    if (STRINGS.contains(from.oid()) && STRINGS.contains(to.oid())) {
      return true; // a varchar(n) a value does not fit is an error upstream, not a truncation
    }
    // float4 is stored widened exactly to a double, which is what float8 holds after the cast; inside an array
    // the elements are Postgres' text forms, which differ ("1.1" vs "1.100000023841858").
    return !inArray && from.oid() == PgType.FLOAT4.oid() && to.oid() == PgType.FLOAT8.oid();
  }

  /** Only the type modifier (or a domain) changed. */
  private static boolean sameTypeKeepsValues(int oid, String fromDecl, String toDecl) {
    if (oid == PgType.NUMERIC.oid()) {
      // the scale rounds; the precision only bounds (an error upstream); unconstrained keeps every value
      Matcher to = NUMERIC.matcher(toDecl);
      Matcher from = NUMERIC.matcher(fromDecl);
      return to.matches() && (to.group(1) == null || from.matches() && from.group(1) != null
          && scale(to).equals(scale(from)));
    }
    if (oid == PgType.BPCHAR.oid()) {
      return "bpchar".equals(toDecl); // char(n) values are stored padded to n
    }
    if (TIMES.contains(oid)) {
      // fractional seconds round to the precision; unconstrained keeps microseconds (6)
      Matcher to = TIME.matcher(toDecl);
      Matcher from = TIME.matcher(fromDecl);
      return to.matches() && from.matches() && precision(to) >= precision(from);
    }
    if (oid == PgType.INTERVAL.oid()) {
      return "interval".equals(toDecl); // fields (interval day) and precision truncate
    }
    // Other modifiers (varchar, bit, varbit lengths) reject a value that does not fit rather than change it.
    return true;
  }

  private static String scale(Matcher numeric) {
    return numeric.group(2) == null ? "0" : numeric.group(2);
  }

  private static int precision(Matcher time) {
    return time.group(1) == null ? 6 : Integer.parseInt(time.group(1));
  }

  private static String element(String arrayDecl) {
    return arrayDecl.endsWith("[]") ? arrayDecl.substring(0, arrayDecl.length() - 2) : arrayDecl;
  }
}
