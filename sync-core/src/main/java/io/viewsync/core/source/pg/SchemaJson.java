package io.viewsync.core.source.pg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewsync.core.TableName;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.IndexSpec;
import io.viewsync.core.schema.KeyChooser;
import io.viewsync.core.schema.SchemaSnapshot;
import io.viewsync.core.schema.TableRewrite;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.value.PgType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that turns viewsync's schema JSON into records: the table descriptions written by
 * {@code schema_snapshot.sql} (read by {@link PgCatalog} and embedded in DDL messages) and the contents of the
 * {@link SchemaSnapshot#PREFIX} and {@link SchemaSnapshot#REWRITE_PREFIX} logical messages written by the DDL
 * event triggers ({@code ddl_capture.sql}).
 *
 * <p>A table description (one element of the array):
 *
 * <pre>{@code
 * {"oid": 16390, "schema": "public", "name": "items", "relkind": "r", "replident": "d",
 *  "publications": ["viewsync"],
 *  "columns": [{"attnum": 1, "name": "id", "type": {"oid": 23, "name": "int4", "category": "N", "element": null},
 *               "declared": "integer", "notNull": true, "default": null, "missing": null}, ...],
 *  "indexes": [{"name": "items_pkey", "columns": ["id"], "unique": true, "primary": true, "replident": false,
 *               "partial": false, "expressions": false}, ...]}
 * }</pre>
 *
 * <p>Column types are already resolved through domains; {@code element} is the (resolved) element type of an
 * array. {@code missing} is the text form of the value rows that existed before {@code ADD COLUMN ... DEFAULT}
 * take. Unknown fields are ignored, so the format may grow; a missing required field is an
 * {@link IllegalArgumentException} whose message says which.
 *
 * <p>Pure functions over an immutable, shared Jackson mapper: safe from any thread.
 */
public final class SchemaJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SchemaJson() {}

  /** The tables of a {@code schema_snapshot.sql} result, in the order given, each with its key chosen. */
  public static List<UpstreamTable> tables(String json) {
    return tables(parse(json, "table descriptions"));
  }

  /**
   * The content of a {@link SchemaSnapshot#PREFIX} message:
   * {@code {"v":1, "ddl": "...", "commands": [{"tag": "ALTER TABLE", "oid": 16390}], "tables": [...]}}.
   */
  public static SchemaSnapshot snapshot(byte[] content) {
    JsonNode root = parse(content, SchemaSnapshot.PREFIX + " message");
    int version = required(root, "v", "the " + SchemaSnapshot.PREFIX + " message").asInt();
    if (version < 1) {
      throw new IllegalArgumentException("a " + SchemaSnapshot.PREFIX + " message has version " + version
          + "; versions start at 1");
    }
    List<SchemaSnapshot.Command> commands = new ArrayList<>();
    for (JsonNode c : array(root, "commands", "the " + SchemaSnapshot.PREFIX + " message")) {
      commands.add(new SchemaSnapshot.Command(required(c, "tag", "a command").asText(),
          (int) required(c, "oid", "a command").asLong()));
    }
    return new SchemaSnapshot(text(root.get("ddl")), commands,
        tables(required(root, "tables", "the " + SchemaSnapshot.PREFIX + " message")));
  }

  /** The content of a {@link SchemaSnapshot#REWRITE_PREFIX} message: {@code {"oid": N, "reason": N}}. */
  public static TableRewrite rewrite(byte[] content) {
    JsonNode root = parse(content, SchemaSnapshot.REWRITE_PREFIX + " message");
    String what = "the " + SchemaSnapshot.REWRITE_PREFIX + " message";
    return new TableRewrite((int) required(root, "oid", what).asLong(), required(root, "reason", what).asInt());
  }

  private static List<UpstreamTable> tables(JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("table descriptions must be a JSON array, not " + array.getNodeType());
    }
    List<UpstreamTable> out = new ArrayList<>(array.size());
    for (JsonNode t : array) {
      out.add(table(t));
    }
    return out;
  }

  private static UpstreamTable table(JsonNode t) {
    TableName name = new TableName(required(t, "schema", "a table").asText(), required(t, "name", "a table").asText());
    String what = "table " + name;
    int oid = (int) required(t, "oid", what).asLong(); // an oid above 2^31 wraps, as on the pgoutput wire
    List<ColumnSpec> columns = new ArrayList<>();
    Set<String> notNull = new HashSet<>();
    Map<String, String> missing = new HashMap<>();
    for (JsonNode c : array(t, "columns", what)) {
      String column = required(c, "name", "a column of " + what).asText();
      String where = "column " + column + " of " + what;
      boolean nn = required(c, "notNull", where).asBoolean();
      columns.add(new ColumnSpec(column, type(required(c, "type", where), where),
          required(c, "declared", where).asText(), nn, required(c, "attnum", where).asInt(), text(c.get("default"))));
      if (nn) {
        notNull.add(column);
      }
      String missingValue = text(c.get("missing"));
      if (missingValue != null) {
        missing.put(column, missingValue);
      }
    }
    List<IndexSpec> indexes = new ArrayList<>();
    for (JsonNode i : array(t, "indexes", what)) {
      String index = required(i, "name", "an index of " + what).asText();
      String where = "index " + index + " of " + what;
      List<String> cols = new ArrayList<>();
      for (JsonNode col : array(i, "columns", where)) {
        cols.add(col.asText());
      }
      indexes.add(new IndexSpec(index, cols, required(i, "unique", where).asBoolean(),
          required(i, "primary", where).asBoolean(), required(i, "replident", where).asBoolean(),
          required(i, "partial", where).asBoolean(), required(i, "expressions", where).asBoolean()));
    }
    List<String> publications = new ArrayList<>();
    for (JsonNode p : array(t, "publications", what)) {
      publications.add(p.asText());
    }
    String replident = required(t, "replident", what).asText();
    if (replident.length() != 1) {
      throw new IllegalArgumentException(what + " has replica identity '" + replident + "', not one letter");
    }
    StringBuilder why = new StringBuilder();
    Optional<KeyChooser.Key> key = KeyChooser.choose(indexes, notNull, replident.charAt(0), why);
    TableSpec spec = key
        .map(k -> new TableSpec(name, oid, columns, k.columns(), k.source(), null, indexes))
        .orElseGet(() -> new TableSpec(name, oid, columns, List.of(), null, why.toString(), indexes));
    return new UpstreamTable(spec, publications, missing);
  }

  private static PgType type(JsonNode t, String where) {
    String name = required(t, "name", "the type of " + where).asText();
    String category = required(t, "category", "the type of " + where).asText();
    if (category.length() != 1) {
      throw new IllegalArgumentException("the type of " + where + " has category '" + category + "', not one letter");
    }
    JsonNode element = t.get("element");
    PgType elementType = element == null || element.isNull() ? null : type(element, "the elements of " + where);
    return PgType.of((int) required(t, "oid", "the type of " + where).asLong(), name, category.charAt(0),
        category.charAt(0) == PgType.CATEGORY_ARRAY ? elementType : null);
  }

  private static JsonNode required(JsonNode node, String field, String what) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException(what + " has no '" + field + "'");
    }
    return value;
  }

  private static JsonNode array(JsonNode node, String field, String what) {
    JsonNode value = required(node, field, what);
    if (!value.isArray()) {
      throw new IllegalArgumentException("'" + field + "' of " + what + " is not a JSON array");
    }
    return value;
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static JsonNode parse(String json, String what) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " are not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static JsonNode parse(byte[] content, String what) {
    try {
      JsonNode root = MAPPER.readTree(content);
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("the " + what + " is not a JSON object");
      }
      return root;
    } catch (IOException e) {
      throw new IllegalArgumentException("the " + what + " is not valid JSON: " + e.getMessage(), e);
    }
  }
}
