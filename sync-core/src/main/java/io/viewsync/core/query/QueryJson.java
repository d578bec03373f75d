package io.viewsync.core.query;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.query.QueryError.Kind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The query's JSON wire format (docs/queries.md), read and written. Reading never throws: bad JSON and JSON of
 * the wrong shape come back as {@link QueryError.Kind#MALFORMED} errors with the path of the offending node.
 * Reading checks shape only; {@link QueryValidator} checks meaning.
 *
 * <p>Writing is canonical: fields in a fixed order, absent optional fields left out, start rows sorted by column
 * name. {@link QueryHash} hashes that text.
 *
 * <p>Stateless; safe from any thread.
 */
public final class QueryJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final Set<String> QUERY_FIELDS = Set.of("table", "where", "orderBy", "limit", "start", "related");

  private QueryJson() {}

  /** Reads a query from JSON text. */
  public static Result<Query> parse(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return new Result.Failed<>(List.of(new QueryError(Kind.MALFORMED, "", "not JSON: " + e.getOriginalMessage())));
    }
    if (node == null || node.isMissingNode()) {
      return new Result.Failed<>(List.of(new QueryError(Kind.MALFORMED, "", "empty input")));
    }
    return parse(node);
  }

  /** Reads a query from a JSON tree (e.g. the {@code query} of a {@code subscribe} message). */
  public static Result<Query> parse(JsonNode node) {
    Reader reader = new Reader();
    Query query = reader.query(node, "");
    return Result.of(query, reader.errors);
  }

  /** The canonical JSON text of {@code query}. */
  public static String write(Query query) {
    try {
      return MAPPER.writeValueAsString(toJson(query));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** The canonical JSON tree of {@code query}. */
  public static ObjectNode toJson(Query query) {
    ObjectNode o = NODES.objectNode();
    o.put("table", query.table());
    if (query.where() != null) {
      o.set("where", toJson(query.where()));
    }
    if (!query.orderBy().isEmpty()) {
      ArrayNode order = o.putArray("orderBy");
      for (Ordering term : query.orderBy()) {
        order.addArray().add(term.column()).add(term.direction().wire());
      }
    }
    if (query.limit() != null) {
      o.put("limit", query.limit());
    }
    if (query.start() != null) {
      ObjectNode start = o.putObject("start");
      ObjectNode row = start.putObject("row");
      new TreeMap<>(query.start().row()).forEach((column, value) -> row.set(column, toJson(value)));
      start.put("exclusive", query.start().exclusive());
    }
    if (!query.related().isEmpty()) {
      ArrayNode related = o.putArray("related");
      for (Related r : query.related()) {
        ObjectNode ro = related.addObject();
        ro.put("name", r.name());
        ro.set("correlation", toJson(r.correlation()));
        ro.set("query", toJson(r.query()));
      }
    }
    return o;
  }

  /** The canonical JSON tree of a condition. */
  public static ObjectNode toJson(Condition condition) {
    ObjectNode o = NODES.objectNode();
    if (condition instanceof Condition.Compare c) {
      o.put("type", "cmp").put("column", c.column()).put("op", c.op().symbol()).set("value", toJson(c.value()));
    } else if (condition instanceof Condition.And a) {
      o.put("type", "and").set("conditions", toJson(a.conditions()));
    } else if (condition instanceof Condition.Or or) {
      o.put("type", "or").set("conditions", toJson(or.conditions()));
    } else if (condition instanceof Condition.Not n) {
      o.put("type", "not").set("condition", toJson(n.condition()));
    } else if (condition instanceof Condition.Exists e) {
      o.put("type", "exists");
      o.set("correlation", toJson(e.correlation()));
      o.set("query", toJson(e.query()));
      o.put("negated", e.negated());
    } else {
      throw new IllegalStateException("unknown condition " + condition);
    }
    return o;
  }

  /** The JSON of a literal: null, true/false, a number, a string, or an array of those. */
  public static JsonNode toJson(Literal literal) {
    if (literal instanceof Literal.Null) {
      return NODES.nullNode();
    } else if (literal instanceof Literal.Bool b) {
      return NODES.booleanNode(b.value());
    } else if (literal instanceof Literal.Int i) {
      return NODES.numberNode(i.value());
    } else if (literal instanceof Literal.Real r) {
      return NODES.numberNode(r.value());
    } else if (literal instanceof Literal.Text t) {
      return NODES.textNode(t.value());
    } else if (literal instanceof Literal.ListOf l) {
      ArrayNode a = NODES.arrayNode();
      l.values().forEach(v -> a.add(toJson(v)));
      return a;
    }
    throw new IllegalStateException("unknown literal " + literal);
  }

  private static ArrayNode toJson(List<Condition> conditions) {
    ArrayNode a = NODES.arrayNode();
    conditions.forEach(c -> a.add(toJson(c)));
    return a;
  }

  private static ObjectNode toJson(Correlation correlation) {
    ObjectNode o = NODES.objectNode();
    ArrayNode parent = o.putArray("parent");
    correlation.parent().forEach(parent::add);
    ArrayNode child = o.putArray("child");
    correlation.child().forEach(child::add);
    return o;
  }

  /** One read: collects errors, returns null for a node it could not read. */
  private static final class Reader {
    final List<QueryError> errors = new ArrayList<>();

    Query query(JsonNode node, String path) {
      if (!object(node, path, QUERY_FIELDS)) {
        return null;
      }
      String table = text(node.get("table"), join(path, "table"));
      Condition where = node.hasNonNull("where") ? condition(node.get("where"), join(path, "where")) : null;
      List<Ordering> orderBy = node.hasNonNull("orderBy") ? orderBy(node.get("orderBy"), join(path, "orderBy"))
          : List.of();
      Long limit = node.hasNonNull("limit") ? limit(node.get("limit"), join(path, "limit")) : null;
      Start start = node.hasNonNull("start") ? start(node.get("start"), join(path, "start")) : null;
      List<Related> related = node.hasNonNull("related") ? related(node.get("related"), join(path, "related"))
          : List.of();
      if (table == null || orderBy == null || related == null) {
        return null;
      }
      return new Query(table, where, orderBy, limit, start, related);
    }

    Condition condition(JsonNode node, String path) {
      if (!node.isObject()) {
        return malformed(path, "a condition must be an object");
      }
      String type = text(node.get("type"), join(path, "type"));
      if (type == null) {
        return null;
      }
      switch (type) {
        case "cmp" -> {
          if (!object(node, path, Set.of("type", "column", "op", "value"))) {
            return null;
          }
          String column = text(node.get("column"), join(path, "column"));
          String opSymbol = text(node.get("op"), join(path, "op"));
          Op op = opSymbol == null ? null : Op.ofSymbol(opSymbol).orElse(null);
          if (opSymbol != null && op == null) {
            malformed(join(path, "op"), "unknown operator \"" + opSymbol + "\"");
          }
          if (!node.has("value")) {
            return malformed(join(path, "value"), "a comparison needs a value (null for NULL)");
          }
          Literal value = literal(node.get("value"), join(path, "value"), true);
          return column == null || op == null || value == null ? null : new Condition.Compare(column, op, value);
        }
        case "and", "or" -> {
          if (!object(node, path, Set.of("type", "conditions"))) {
            return null;
          }
          List<Condition> children = conditions(node.get("conditions"), join(path, "conditions"));
          if (children == null) {
            return null;
          }
          return type.equals("and") ? new Condition.And(children) : new Condition.Or(children);
        }
        case "not" -> {
          if (!object(node, path, Set.of("type", "condition"))) {
            return null;
          }
          if (node.get("condition") == null) {
            return malformed(join(path, "condition"), "missing");
          }
          Condition child = condition(node.get("condition"), join(path, "condition"));
          return child == null ? null : new Condition.Not(child);
        }
        case "exists" -> {
          if (!object(node, path, Set.of("type", "correlation", "query", "negated"))) {
            return null;
          }
          Correlation correlation = correlation(node.get("correlation"), join(path, "correlation"));
          Query query = node.get("query") == null ? malformed(join(path, "query"), "missing")
              : query(node.get("query"), join(path, "query"));
          JsonNode negated = node.get("negated");
          if (negated != null && !negated.isBoolean()) {
            return malformed(join(path, "negated"), "must be true or false");
          }
          return correlation == null || query == null ? null
              : new Condition.Exists(correlation, query, negated != null && negated.booleanValue());
        }
        default -> {
          return malformed(join(path, "type"), "unknown condition type \"" + type
              + "\" (expected cmp, and, or, not, exists)");
        }
      }
    }

    List<Condition> conditions(JsonNode node, String path) {
      if (node == null || !node.isArray()) {
        return malformed(path, "must be an array of conditions");
      }
      List<Condition> out = new ArrayList<>();
      boolean ok = true;
      for (int i = 0; i < node.size(); i++) {
        Condition c = condition(node.get(i), path + "[" + i + "]");
        ok &= c != null;
        out.add(c);
      }
      return ok ? out : null;
    }

    List<Ordering> orderBy(JsonNode node, String path) {
      if (!node.isArray()) {
        return malformed(path, "must be an array of [column, \"asc\"|\"desc\"] pairs");
      }
      List<Ordering> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        JsonNode term = node.get(i);
        String termPath = path + "[" + i + "]";
        if (!term.isArray() || term.size() != 2 || !term.get(0).isTextual() || !term.get(1).isTextual()) {
          malformed(termPath, "must be a [column, \"asc\"|\"desc\"] pair");
          continue;
        }
        String direction = term.get(1).textValue();
        if (direction.equals("asc") || direction.equals("desc")) {
          out.add(new Ordering(term.get(0).textValue(),
              direction.equals("asc") ? Ordering.Direction.ASC : Ordering.Direction.DESC));
        } else {
          malformed(termPath + "[1]", "direction must be \"asc\" or \"desc\", not \"" + direction + "\"");
        }
      }
      return out.size() == node.size() ? out : null;
    }

    Long limit(JsonNode node, String path) {
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        return malformed(path, "must be an integer");
      }
      return node.longValue();
    }

    Start start(JsonNode node, String path) {
      if (!object(node, path, Set.of("row", "exclusive"))) {
        return null;
      }
      JsonNode row = node.get("row");
      if (row == null || !row.isObject()) {
        return malformed(join(path, "row"), "must be an object of column values");
      }
      Map<String, Literal> values = new LinkedHashMap<>();
      boolean ok = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        Literal value = literal(field.getValue(), join(join(path, "row"), field.getKey()), false);
        ok &= value != null;
        values.put(field.getKey(), value);
      }
      JsonNode exclusive = node.get("exclusive");
      if (exclusive == null || !exclusive.isBoolean()) {
        return malformed(join(path, "exclusive"), "must be true or false");
      }
      return ok ? new Start(values, exclusive.booleanValue()) : null;
    }

    List<Related> related(JsonNode node, String path) {
      if (!node.isArray()) {
        return malformed(path, "must be an array");
      }
      List<Related> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        JsonNode r = node.get(i);
        String rPath = path + "[" + i + "]";
        if (!object(r, rPath, Set.of("name", "correlation", "query"))) {
          continue;
        }
        String name = text(r.get("name"), join(rPath, "name"));
        Correlation correlation = correlation(r.get("correlation"), join(rPath, "correlation"));
        Query query = r.get("query") == null ? malformed(join(rPath, "query"), "missing")
            : query(r.get("query"), join(rPath, "query"));
        if (name != null && correlation != null && query != null) {
          out.add(new Related(name, correlation, query));
        }
      }
      return out.size() == node.size() ? out : null;
    }

    Correlation correlation(JsonNode node, String path) {
      if (!object(node, path, Set.of("parent", "child"))) {
        return null;
      }
      List<String> parent = columns(node.get("parent"), join(path, "parent"));
      List<String> child = columns(node.get("child"), join(path, "child"));
      return parent == null || child == null ? null : new Correlation(parent, child);
    }

    List<String> columns(JsonNode node, String path) {
      if (node == null || !node.isArray()) {
        return malformed(path, "must be an array of column names");
      }
      List<String> out = new ArrayList<>();
      for (JsonNode c : node) {
        if (!c.isTextual()) {
          return malformed(path, "must be an array of column names");
        }
        out.add(c.textValue());
      }
      return out;
    }

    Literal literal(JsonNode node, String path, boolean listAllowed) {
      if (node.isNull()) {
        return Literal.Null.INSTANCE;
      } else if (node.isBoolean()) {
        return new Literal.Bool(node.booleanValue());
      } else if (node.isIntegralNumber()) {
        return node.canConvertToLong() ? new Literal.Int(node.longValue())
            : malformed(path, "integer out of the 64-bit range: " + node.asText());
      } else if (node.isNumber()) {
        return Double.isFinite(node.doubleValue()) ? new Literal.Real(node.doubleValue())
            : malformed(path, "number out of the double range: " + node.asText());
      } else if (node.isTextual()) {
        return new Literal.Text(node.textValue());
      } else if (node.isArray() && listAllowed) {
        List<Literal> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
          Literal v = literal(node.get(i), path + "[" + i + "]", false);
          if (v == null) {
            return null;
          }
          values.add(v);
        }
        return new Literal.ListOf(values);
      }
      return malformed(path, "a value must be null, a boolean, a number or a string"
          + (listAllowed ? ", or an array of those" : ""));
    }

    String text(JsonNode node, String path) {
      if (node == null || !node.isTextual()) {
        return malformed(path, node == null ? "missing" : "must be a string");
      }
      return node.textValue();
    }

    /** Whether {@code node} is an object with only {@code allowed} fields; records an error if not. */
    boolean object(JsonNode node, String path, Set<String> allowed) {
      if (node == null || !node.isObject()) {
        malformed(path, node == null ? "missing" : "must be an object");
        return false;
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!allowed.contains(field)) {
          malformed(join(path, field), "unknown field (expected one of " + new java.util.TreeSet<>(allowed) + ")");
          return false;
        }
      }
      return true;
    }

    <T> T malformed(String path, String message) {
      errors.add(new QueryError(Kind.MALFORMED, path, message));
      return null;
    }
  }

  /** {@code a.b}, or {@code b} when {@code a} is the root. */
  static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
