package io.viewsync.core.value;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a parsed Postgres array ({@link PgArrayLiteral}) as the JSON array the replica stores
 * (DESIGN §5: arrays are TEXT, a JSON array).
 *
 * <p>Elements: SQL NULL → {@code null}; {@code bool} → {@code true}/{@code false}; {@code int2},
 * {@code int4}, {@code int8} → JSON numbers with the exact digits; every other element → a JSON
 * string holding the element's Postgres text form, so that numeric and float elements lose no
 * precision and {@code NaN} stays representable. Nested dimensions become nested JSON arrays, and the
 * array's lower bounds are not kept (see {@link PgArrayLiteral}). The output is compact, with no
 * spaces, and non-ASCII characters are written as they are (the replica's TEXT is UTF-8).
 *
 * <p>Pure and stateless; safe from any thread.
 */
final class PgArrayJson {

  private static final JsonFactory JSON = new JsonFactory();

  private PgArrayJson() {}

  /** Converts array literal text to a JSON array; {@code element} may be null (unknown: strings). */
  static String fromText(String text, PgType element) {
    List<Object> items = PgArrayLiteral.parse(text);
    StringWriter out = new StringWriter(text.length() + 8);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      write(g, items, element == null ? -1 : element.oid(), text);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string failed", e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, List<?> items, int elementOid, String text) throws IOException {
    g.writeStartArray();
    for (Object item : items) {
      if (item == null) {
        g.writeNull();
      } else if (item instanceof List<?> nested) {
        write(g, nested, elementOid, text);
      } else {
        writeElement(g, (String) item, elementOid, text);
      }
    }
    g.writeEndArray();
  }

  private static void writeElement(JsonGenerator g, String item, int elementOid, String text) throws IOException {
    switch (elementOid) {
      case PgType.BOOL_OID -> g.writeBoolean(PgScalars.parseBool(item, text));
      case PgType.INT2_OID, PgType.INT4_OID, PgType.INT8_OID -> g.writeNumber(PgScalars.parseLong(item, "integer array", text));
      default -> g.writeString(item);
    }
  }
}
