package io.viewsync.core.source.pg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The SQL that describes a set of tables as JSON ({@code schema_snapshot.sql} beside this class; the format is in
 * {@link SchemaJson}). Its one parameter is the tables' oids, an {@code oid[]} written as the positional
 * parameter one, so the same text is both the body of the SQL function {@code _viewsync.describe_tables(oid[])}
 * that {@link DdlCapture}'s trigger calls and, with that parameter turned into JDBC's placeholder, the query
 * {@link PgCatalog} runs. Constants only: safe from any thread.
 */
final class DescribeQuery {

  static final String RESOURCE = "schema_snapshot.sql";
  private static final String PARAMETER = "$1";

  /** The query as written, with its parameter as {@code $1}: a valid SQL function body. */
  static final String TEXT = load();

  private DescribeQuery() {}

  /** The query for a JDBC {@code PreparedStatement}: one placeholder, to be bound to an oid array's text form. */
  static String jdbc() {
    return TEXT.replace(PARAMETER, "?");
  }

  /** The oids as the text of a Postgres array literal, for the JDBC placeholder ({@code {1,2,3}}). */
  static String oidArray(Iterable<Integer> oids) {
    StringBuilder sb = new StringBuilder("{");
    for (int oid : oids) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(Integer.toUnsignedString(oid));
    }
    return sb.append('}').toString();
  }

  private static String load() {
    try (InputStream in = DescribeQuery.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath beside " + DescribeQuery.class);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      check(text);
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + RESOURCE, e);
    }
  }

  /**
   * The text must work in both places: exactly one {@code $1} and no other dollar sign (it is embedded in a
   * dollar-quoted function body), and no question mark (JDBC would take it for a placeholder).
   */
  static void check(String text) {
    int first = text.indexOf(PARAMETER);
    if (first < 0 || text.indexOf(PARAMETER, first + 1) >= 0) {
      throw new IllegalStateException(RESOURCE + " must use its parameter " + PARAMETER + " exactly once");
    }
    if (text.replace(PARAMETER, "").indexOf('$') >= 0) {
      throw new IllegalStateException(RESOURCE + " must contain no dollar sign besides its parameter");
    }
    if (text.indexOf('?') >= 0) {
      throw new IllegalStateException(RESOURCE + " must contain no question mark");
    }
  }
}
