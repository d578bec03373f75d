package io.viewsync.core.value;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses the text form of a Postgres array ({@code array_out}, Postgres docs "Array Input and Output
 * Syntax") into nested lists of element texts.
 *
 * <p>The result is a {@code List<Object>} whose items are a {@code String} (an element's text form,
 * quotes and backslash escapes removed), {@code null} (an SQL NULL, written unquoted {@code NULL} in
 * any case) or another such list (the next dimension). A quoted {@code "NULL"} is the string
 * {@code NULL}. Whitespace around an element is dropped, whitespace inside an unquoted one kept, as
 * {@code array_in} does.
 *
 * <p><b>Bounds are dropped.</b> An array whose lower bound is not 1 is written with a dimension prefix,
 * {@code [0:1]={1,2}}; the prefix is skipped and only the elements are returned, in order, so
 * {@code [0:1]={1,2}} and {@code {1,2}} parse alike. The delimiter is always a comma (only
 * {@code box[]} uses {@code ;}, and a box array is then parsed as one element per {@code ,}-separated
 * part, which is not worth a special case for a type nobody syncs).
 *
 * <p>Pure and stateless; safe from any thread.
 */
public final class PgArrayLiteral {

  private final String s;
  private int pos;

  private PgArrayLiteral(String s) {
    this.s = s;
  }

  /** Parses an array literal; throws {@link ValueFormatException} with the position if it is not one. */
  public static List<Object> parse(String text) {
    PgArrayLiteral p = new PgArrayLiteral(text);
    p.skipBounds();
    p.skipSpace();
    List<Object> result = p.array();
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.fail("unexpected text after the closing brace");
    }
    return result;
  }

  /** Skips {@code [lo:hi][lo:hi]...=}, the dimension prefix of an array whose lower bound is not 1. */
  private void skipBounds() {
    skipSpace();
    if (pos < s.length() && s.charAt(pos) == '[') {
      int eq = s.indexOf('=', pos);
      if (eq < 0) {
        throw fail("dimension prefix without '='");
      }
      pos = eq + 1;
    }
  }

  private List<Object> array() {
    expect('{');
    skipSpace();
    if (accept('}')) {
      return Collections.emptyList();
    }
    List<Object> items = new ArrayList<>();
    while (true) {
      skipSpace();
      if (peek() == '{') {
        items.add(array());
      } else {
        items.add(element());
      }
      skipSpace();
      if (accept('}')) {
        return Collections.unmodifiableList(items);
      }
      expect(',');
    }
  }

  /** One element: quoted or unquoted, possibly with backslash escapes; null for an unquoted NULL. */
  private String element() {
    if (accept('"')) {
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') {
          return b.toString();
        }
        b.append(c == '\\' ? next() : c);
      }
    }
    StringBuilder b = new StringBuilder();
    boolean escaped = false;
    int lastSignificant = 0; // length of b up to its last non-whitespace or escaped char
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ',' || c == '}') {
        break;
      }
      if (c == '"' || c == '{') {
        throw fail("unexpected '" + c + "' in an unquoted element");
      }
      pos++;
      if (c == '\\') {
        b.append(next());
        escaped = true;
        lastSignificant = b.length();
      } else {
        b.append(c);
        if (!Character.isWhitespace(c)) {
          lastSignificant = b.length();
        }
      }
    }
    b.setLength(lastSignificant);
    if (b.length() == 0 && !escaped) {
      throw fail("empty unquoted element");
    }
    String text = b.toString();
    return !escaped && text.equalsIgnoreCase("NULL") ? null : text;
  }

  private void skipSpace() {
    while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= s.length()) {
      throw fail("unexpected end");
    }
    return s.charAt(pos++);
  }

  private boolean accept(char c) {
    if (pos < s.length() && s.charAt(pos) == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!accept(c)) {
      throw fail("expected '" + c + "' at position " + pos);
    }
  }

  private ValueFormatException fail(String reason) {
    return ValueFormatException.of("array", reason, s);
  }
}
