package io.viewsync.core.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.query.QueryError;
import io.viewsync.core.query.QueryError.Kind;
import io.viewsync.core.query.Result;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The schema a client was built against, as it declares it when it connects (DESIGN §6): tables by replica name,
 * each with its columns in the client's order (name → Postgres type name) and its primary key.
 *
 * <p>JSON: {@code {"tables": {"issues": {"columns": {"id": {"type": "int8"}, "title": {"type": "text"}},
 * "primaryKey": ["id"]}}}}. Type names are spelled as viewsync spells {@link io.viewsync.core.value.PgType} names,
 * which is Postgres' {@code pg_type.typname}: {@code int8}, {@code text}, {@code timestamptz}, an enum's own name;
 * an array is {@code _} and its element's name ({@code _int4}, {@code _text}). {@code int4[]} is refused with a
 * hint, so that one type never has two spellings. Domains are declared as their base type (the server resolves
 * them the same way).
 *
 * <p>Reading ({@link #parse}) is strict and never throws: not JSON, an unknown or duplicated field, a wrong JSON
 * type, an empty name, a primary key that is empty, repeats a column or names one that is not declared, and more
 * than {@link #MAX_TABLES} tables or {@link #MAX_COLUMNS} columns in a table are all
 * {@link QueryError.Kind#MALFORMED} errors with the path of the offending node ({@code tables.issues.primaryKey[1]}).
 *
 * <p>Immutable value (unmodifiable maps that keep the declared order); safe from any thread.
 *
 * @param tables the declared tables by replica name, in declared order
 */
public record ClientSchema(Map<String, Table> tables) {

  /** The most tables a client may declare. */
  public static final int MAX_TABLES = 1_000;
  /** The most columns a client may declare in one table. */
  public static final int MAX_COLUMNS = 1_000;
  /** The longest table, column or type name accepted, in chars (Postgres' own limit is 63 bytes per name). */
  public static final int MAX_NAME_LENGTH = 256;

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public ClientSchema {
    tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    tables.forEach((name, table) -> {
      if (!name.equals(table.name())) {
        throw new IllegalArgumentException("table " + table.name() + " filed under " + name);
      }
    });
  }

  /** A schema of these tables, keyed by their names in the given order. */
  public static ClientSchema of(Table... tables) {
    Map<String, Table> byName = new LinkedHashMap<>();
    for (Table t : tables) {
      if (byName.put(t.name(), t) != null) {
        throw new IllegalArgumentException("table " + t.name() + " declared twice");
      }
    }
    return new ClientSchema(byName);
  }

  /** The declared table, or null. */
  public Table table(String name) {
    return tables.get(name);
  }

  /**
   * One declared table. Immutable value; safe from any thread.
   *
   * @param name the replica name ({@code issues}, or {@code s.issues} outside {@code public})
   * @param columns column name → type name, in the client's order
   * @param primaryKey the client's primary key: declared columns, at least one, no repeats
   */
  public record Table(String name, Map<String, String> columns, List<String> primaryKey) {
    public Table {
      Objects.requireNonNull(name, "name");
      columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
      primaryKey = List.copyOf(primaryKey);
      if (columns.containsKey(null) || columns.containsValue(null)) {
        throw new IllegalArgumentException("a column has a name and a type: " + name);
      }
      if (primaryKey.isEmpty() || new HashSet<>(primaryKey).size() != primaryKey.size()
          || !columns.keySet().containsAll(primaryKey)) {
        throw new IllegalArgumentException(
            "a primary key is one or more distinct declared columns: " + name + " " + primaryKey);
      }
    }

    /** The declared type of {@code column}, or null when the client did not declare it. */
    public String type(String column) {
      return columns.get(column);
    }
  }

  /**
   * The declaration as JSON, the shape {@link #parse} reads: {@code {"tables": {"issues": {"columns": {"id":
   * {"type": "int8"}}, "primaryKey": ["id"]}}}}, tables and columns in declared order. A fresh tree each call.
   */
  public ObjectNode toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode tablesNode = root.putObject("tables");
    tables.forEach((name, table) -> {
      ObjectNode t = tablesNode.putObject(name);
      ObjectNode columnsNode = t.putObject("columns");
      table.columns().forEach((column, type) -> columnsNode.putObject(column).put("type", type));
      ArrayNode key = t.putArray("primaryKey");
      table.primaryKey().forEach(key::add);
    });
    return root;
  }

  /** Reads a declared schema from JSON text. */
  public static Result<ClientSchema> parse(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return failed("", "not JSON: " + e.getOriginalMessage());
    }
    if (node == null || node.isMissingNode()) {
      return failed("", "empty input");
    }
    return parse(node);
  }

  /** Reads a declared schema from a JSON tree (e.g. the {@code schema} of a {@code connect} message). */
  public static Result<ClientSchema> parse(JsonNode node) {
    List<QueryError> errors = new ArrayList<>();
    ClientSchema schema = read(node, errors);
    return Result.of(schema, errors);
  }

  private static <T> Result<T> failed(String path, String message) {
    return new Result.Failed<>(List.of(new QueryError(Kind.MALFORMED, path, message)));
  }

  private static ClientSchema read(JsonNode node, List<QueryError> errors) {
    if (!object(node, "", Set.of("tables"), errors)) {
      return null;
    }
    JsonNode tablesNode = node.get("tables");
    if (!object(tablesNode, "tables", null, errors)) {
      return null;
    }
    if (tablesNode.size() > MAX_TABLES) {
      errors.add(malformed("tables", tablesNode.size() + " tables, more than the " + MAX_TABLES + " allowed"));
      return null;
    }
    Map<String, Table> tables = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = tablesNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String path = "tables." + field.getKey();
      if (!name(field.getKey(), path, "table", errors)) {
        continue;
      }
      Table table = table(field.getKey(), field.getValue(), path, errors);
      if (table != null) {
        tables.put(table.name(), table);
      }
    }
    return errors.isEmpty() ? new ClientSchema(tables) : null;
  }

  private static Table table(String name, JsonNode node, String path, List<QueryError> errors) {
    if (!object(node, path, Set.of("columns", "primaryKey"), errors)) {
      return null;
    }
    int before = errors.size();
    JsonNode columnsNode = node.get("columns");
    Map<String, String> columns = new LinkedHashMap<>();
    // Every declared name, even one whose declaration is bad: the key is checked against these, so that one
    // mistake is reported once. Null when the columns could not be read at all (the key's names are not checked).
    Set<String> declared = null;
    if (!object(columnsNode, path + ".columns", null, errors)) {
      columns = null;
    } else if (columnsNode.size() > MAX_COLUMNS) {
      errors.add(malformed(path + ".columns",
          columnsNode.size() + " columns, more than the " + MAX_COLUMNS + " allowed in a table"));
      columns = null;
    } else {
      declared = new HashSet<>();
      columnsNode.fieldNames().forEachRemaining(declared::add);
      for (Iterator<Map.Entry<String, JsonNode>> it = columnsNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String columnPath = path + ".columns." + field.getKey();
        if (!name(field.getKey(), columnPath, "column", errors)
            || !object(field.getValue(), columnPath, Set.of("type"), errors)) {
          continue;
        }
        String type = type(field.getValue().get("type"), columnPath + ".type", errors);
        if (type != null) {
          columns.put(field.getKey(), type);
        }
      }
    }
    List<String> primaryKey = primaryKey(node.get("primaryKey"), path + ".primaryKey", declared, errors);
    return errors.size() == before ? new Table(name, columns, primaryKey) : null;
  }

  private static String type(JsonNode node, String path, List<QueryError> errors) {
    if (node == null || !node.isTextual()) {
      errors.add(malformed(path, node == null ? "missing" : "must be a string (a Postgres type name)"));
      return null;
    }
    String type = node.textValue();
    if (!name(type, path, "type", errors)) {
      return null;
    }
    if (type.endsWith("[]")) {
      errors.add(malformed(path, "an array type is spelled as Postgres' typname: \"_"
          + type.substring(0, type.length() - 2) + "\", not \"" + type + "\""));
      return null;
    }
    return type;
  }

  /** The key, or null; {@code columns} is null when they could not be read (then names are not checked). */
  private static List<String> primaryKey(JsonNode node, String path, Set<String> columns,
      List<QueryError> errors) {
    if (node == null || !node.isArray()) {
      errors.add(malformed(path, node == null ? "missing" : "must be an array of column names"));
      return null;
    }
    if (node.isEmpty()) {
      errors.add(malformed(path, "a primary key needs at least one column"));
      return null;
    }
    if (node.size() > MAX_COLUMNS) {
      errors.add(malformed(path, node.size() + " columns, more than the " + MAX_COLUMNS + " allowed"));
      return null;
    }
    List<String> key = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    boolean ok = true;
    for (int i = 0; i < node.size(); i++) {
      JsonNode c = node.get(i);
      String cPath = path + "[" + i + "]";
      if (!c.isTextual()) {
        errors.add(malformed(cPath, "must be a column name"));
        ok = false;
      } else if (!seen.add(c.textValue())) {
        errors.add(malformed(cPath, "column \"" + c.textValue() + "\" repeated"));
        ok = false;
      } else if (columns != null && !columns.contains(c.textValue())) {
        errors.add(malformed(cPath, "column \"" + c.textValue() + "\" is not among the declared columns"));
        ok = false;
      } else {
        key.add(c.textValue());
      }
    }
    return ok ? key : null;
  }

  private static boolean name(String name, String path, String what, List<QueryError> errors) {
    if (name.isEmpty()) {
      errors.add(malformed(path, "a " + what + " name must not be empty"));
      return false;
    }
    if (name.length() > MAX_NAME_LENGTH) {
      errors.add(malformed(path, "a " + what + " name longer than " + MAX_NAME_LENGTH + " chars"));
      return false;
    }
    return true;
  }

  /** Whether {@code node} is an object with only {@code allowed} fields (any, when null); records an error if not. */
  private static boolean object(JsonNode node, String path, Set<String> allowed, List<QueryError> errors) {
    if (node == null || !node.isObject()) {
      errors.add(malformed(path, node == null ? "missing" : "must be an object"));
      return false;
    }
    if (allowed != null) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!allowed.contains(field)) {
          errors.add(malformed(path.isEmpty() ? field : path + "." + field,
              "unknown field (expected one of " + new TreeSet<>(allowed) + ")"));
          return false;
        }
      }
      for (String field : allowed) {
        if (!node.has(field)) {
          errors.add(malformed(path.isEmpty() ? field : path + "." + field, "missing"));
          return false;
        }
      }
    }
    return true;
  }

  private static QueryError malformed(String path, String message) {
    return new QueryError(Kind.MALFORMED, path, message);
  }
}
