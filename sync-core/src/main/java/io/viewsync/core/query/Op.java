package io.viewsync.core.query;

import java.util.Arrays;
import java.util.Optional;

/**
 * A comparison operator, with its spelling on the wire. Semantics (docs/queries.md): ZQL's, which are SQL's for
 * these operators: {@code =}, {@code !=}, {@code <} … never match a NULL on either side; {@code IS} / {@code IS NOT}
 * are the null-safe forms. Sent on the wire: values only grow, never rename one. Immutable; safe from any thread.
 */
public enum Op {
  EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
  IN("IN"), NOT_IN("NOT IN"),
  /** Case-sensitive pattern: {@code %} any run, {@code _} one character, {@code \} escapes the next character. */
  LIKE("LIKE"),
  /**
   * As {@link #LIKE}, ignoring the case of ASCII letters only: what SQLite's LIKE and Postgres' ILIKE under
   * {@code COLLATE "C"} both do, so the replica and the Postgres oracle agree.
   */
  ILIKE("ILIKE"),
  IS("IS"), IS_NOT("IS NOT");

  private final String symbol;

  Op(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as JSON spells it, e.g. {@code "<="} or {@code "NOT IN"}. */
  public String symbol() {
    return symbol;
  }

  /** The operator spelled {@code symbol} (exactly; no case folding), if any. */
  public static Optional<Op> ofSymbol(String symbol) {
    return Arrays.stream(values()).filter(o -> o.symbol.equals(symbol)).findFirst();
  }

  /** {@code = != < <= > >=}: one scalar on the right. */
  public boolean isScalarComparison() {
    return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE;
  }
}
