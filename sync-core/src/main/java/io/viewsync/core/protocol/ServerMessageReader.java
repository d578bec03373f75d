package io.viewsync.core.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.protocol.ServerMessage.QueryStatus;
import io.viewsync.core.protocol.ServerMessage.RowOp;
import io.viewsync.core.query.QueryError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Reads server → client messages (docs/protocol.md, "Server → client"): the client side of {@link ServerMessage}.
 * {@link #parse} turns one text frame into a {@link ServerEvent} or a {@link Failure}; for every message a
 * {@link ServerMessage} writer produces it gives back the writer's values.
 *
 * <p>{@link #parse} never throws, for any string: a client must survive a buggy server. It reads as strictly as
 * the server reads clients: text that is not one JSON object (trailing tokens, duplicate field names, nesting
 * deeper than {@link MessageCodec#MAX_NESTING_DEPTH}), a missing or unknown {@code type}, an unknown field, a
 * missing required field, a field of the wrong JSON type (an integer field holding {@code 12.0} or a number out of
 * its range included), and an unknown enum value ({@code op}, query {@code status}, query error {@code kind},
 * compatibility {@code status}/{@code kind}) are failures. Optional fields may be left out or {@code null}, except
 * {@code pong}'s {@code id}, kept as sent. The one open value is {@code error}'s {@code kind} (kinds only grow):
 * it is kept as a string ({@link ServerEvent.Error#knownKind()}).
 *
 * <p>Row keys and values are JSON objects as Jackson reads them ({@code 7} an {@code IntNode}, beyond int range a
 * {@code LongNode}, fractions {@code DoubleNode}s): equal as JSON to what the server wrote, and equal as records to
 * a {@link RowOp} built from nodes of those same classes.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ServerMessageReader {

  /** What {@link #parse} returns: a {@link ServerEvent} or a {@link Failure}. */
  public sealed interface Parsed permits ServerEvent, Failure {}

  /**
   * A server message the client could not read: log it and go on (or reconnect), as the server does with a bad
   * client message. Immutable value; safe from any thread.
   *
   * @param message what is wrong, with the path of the offending field ({@code rows[0].op}); server text in it is
   *     cut to at most a few hundred chars
   */
  public record Failure(String message) implements Parsed {
    public Failure {
      Objects.requireNonNull(message, "message");
    }
  }

  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(MessageCodec.MAX_NESTING_DEPTH).build())
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private static final Set<String> CONNECTED = Set.of("type", "protocolVersion", "serverVersion", "schemaVersion",
      "compatibility");
  private static final Set<String> POKE_START = Set.of("type", "pokeID", "baseCookie", "schemaVersion", "reset");
  private static final Set<String> POKE_PART = Set.of("type", "pokeID", "rows", "queries");
  private static final Set<String> POKE_END = Set.of("type", "pokeID", "cookie");
  private static final Set<String> SCHEMA_CHANGED = Set.of("type", "schemaVersion", "compatibility");
  private static final Set<String> ERROR = Set.of("type", "kind", "message", "queryID", "details");
  private static final Set<String> PONG = Set.of("type", "id");
  private static final Set<String> ROW = Set.of("op", "table", "key", "value");
  private static final Set<String> QUERY = Set.of("queryID", "status", "reason", "errors");
  private static final Set<String> QUERY_ERROR = Set.of("kind", "path", "message");

  private ServerMessageReader() {}

  /** Thrown inside the reader only, turned into a {@link Failure} by {@link #parse}. */
  private static final class Bad extends RuntimeException {
    Bad(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads one message. Never throws. */
  public static Parsed parse(String text) {
    try {
      return read(text);
    } catch (Bad e) {
      return new Failure(e.getMessage());
    } catch (IllegalArgumentException e) {
      // A value the records refuse (a compatibility report that does not hold together, a put without a value…).
      return new Failure(MessageCodec.echo(e.getMessage(), 500));
    } catch (RuntimeException | StackOverflowError e) {
      // A bug here (the tests fail on it): the client must survive it all the same.
      return new Failure("the client failed to read the message: " + e.getClass().getName());
    }
  }

  private static ServerEvent read(String text) {
    if (text == null) {
      throw new Bad("no message");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Bad("not JSON: " + MessageCodec.echo(e.getOriginalMessage(), MessageCodec.MAX_ECHO_CHARS));
    }
    if (root == null || root.isMissingNode()) {
      throw new Bad("empty message");
    }
    if (!root.isObject()) {
      throw new Bad("a message is a JSON object, not " + root.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    String type = text(root, "type", "");
    return switch (type) {
      case "connected" -> connected(root);
      case "pokeStart" -> pokeStart(root);
      case "pokePart" -> pokePart(root);
      case "pokeEnd" -> pokeEnd(root);
      case "schemaChanged" -> schemaChanged(root);
      case "error" -> error(root);
      case "pong" -> pong(root);
      default -> throw new Bad("unknown message type \"" + MessageCodec.echo(type, 64) + "\"");
    };
  }

  private static ServerEvent connected(JsonNode m) {
    only(m, CONNECTED, "connected");
    long version = integer(m, "protocolVersion", "");
    if (version < Integer.MIN_VALUE || version > Integer.MAX_VALUE) {
      throw new Bad("protocolVersion: out of range");
    }
    return new ServerEvent.Connected((int) version, text(m, "serverVersion", ""), integer(m, "schemaVersion", ""),
        CompatibilityReport.fromJson(m.get("compatibility")));
  }

  private static ServerEvent pokeStart(JsonNode m) {
    only(m, POKE_START, "pokeStart");
    if (!m.has("baseCookie")) {
      throw new Bad("baseCookie: missing (null for a client without a cookie, never left out)");
    }
    JsonNode reset = m.get("reset");
    if (reset == null || !reset.isBoolean()) {
      throw new Bad("reset: " + (reset == null ? "missing" : "must be a boolean"));
    }
    return new ServerEvent.PokeStart(text(m, "pokeID", ""), optionalText(m, "baseCookie", ""),
        integer(m, "schemaVersion", ""), reset.booleanValue());
  }

  private static ServerEvent pokePart(JsonNode m) {
    only(m, POKE_PART, "pokePart");
    String pokeID = text(m, "pokeID", "");
    JsonNode rowsNode = array(m, "rows", "");
    List<RowOp> rows = new ArrayList<>(rowsNode.size());
    for (int i = 0; i < rowsNode.size(); i++) {
      rows.add(row(rowsNode.get(i), "rows[" + i + "]"));
    }
    JsonNode queriesNode = array(m, "queries", "");
    List<QueryStatus> queries = new ArrayList<>(queriesNode.size());
    for (int i = 0; i < queriesNode.size(); i++) {
      queries.add(query(queriesNode.get(i), "queries[" + i + "]"));
    }
    return new ServerEvent.PokePart(pokeID, rows, queries);
  }

  private static RowOp row(JsonNode r, String path) {
    object(r, path);
    only(r, ROW, path);
    String op = text(r, "op", path);
    String table = text(r, "table", path);
    ObjectNode key = objectField(r, "key", path);
    JsonNode value = r.get("value");
    switch (op) {
      case "put" -> {
        if (value == null || !value.isObject()) {
          throw new Bad(at(path, "value") + (value == null ? "missing in a put" : "must be an object"));
        }
        return RowOp.put(table, key, (ObjectNode) value);
      }
      case "del" -> {
        if (value != null && !value.isNull()) {
          throw new Bad(at(path, "value") + "a del carries no value");
        }
        return RowOp.del(table, key);
      }
      default -> throw new Bad(at(path, "op") + "unknown value \"" + MessageCodec.echo(op, 64) + "\" (put, del)");
    }
  }

  private static QueryStatus query(JsonNode q, String path) {
    object(q, path);
    only(q, QUERY, path);
    String queryID = text(q, "queryID", path);
    String status = text(q, "status", path);
    String reason = optionalText(q, "reason", path);
    JsonNode errorsNode = q.get("errors");
    List<QueryError> errors = new ArrayList<>();
    if (errorsNode != null && !errorsNode.isNull()) {
      array(q, "errors", path);
      for (int i = 0; i < errorsNode.size(); i++) {
        errors.add(queryError(errorsNode.get(i), path + ".errors[" + i + "]"));
      }
    }
    return switch (status) {
      case "loading", "complete" -> {
        if (reason != null || !errors.isEmpty()) {
          throw new Bad(path + ": a " + status + " query has no reason nor errors");
        }
        yield status.equals("loading") ? QueryStatus.loading(queryID) : QueryStatus.complete(queryID);
      }
      case "unavailable" -> {
        if (reason == null) {
          throw new Bad(at(path, "reason") + "missing for an unavailable query");
        }
        yield QueryStatus.unavailable(queryID, reason, errors);
      }
      default -> throw new Bad(at(path, "status") + "unknown value \"" + MessageCodec.echo(status, 64)
          + "\" (loading, complete, unavailable)");
    };
  }

  private static QueryError queryError(JsonNode e, String path) {
    object(e, path);
    only(e, QUERY_ERROR, path);
    String kind = text(e, "kind", path);
    QueryError.Kind k = null;
    for (QueryError.Kind candidate : QueryError.Kind.values()) {
      if (candidate.name().equals(kind)) {
        k = candidate;
      }
    }
    if (k == null) {
      throw new Bad(at(path, "kind") + "unknown value \"" + MessageCodec.echo(kind, 64) + "\"");
    }
    return new QueryError(k, text(e, "path", path), text(e, "message", path));
  }

  private static ServerEvent pokeEnd(JsonNode m) {
    only(m, POKE_END, "pokeEnd");
    return new ServerEvent.PokeEnd(text(m, "pokeID", ""), text(m, "cookie", ""));
  }

  private static ServerEvent schemaChanged(JsonNode m) {
    only(m, SCHEMA_CHANGED, "schemaChanged");
    return new ServerEvent.SchemaChanged(integer(m, "schemaVersion", ""),
        CompatibilityReport.fromJson(m.get("compatibility")));
  }

  private static ServerEvent error(JsonNode m) {
    only(m, ERROR, "error");
    JsonNode details = m.get("details");
    if (details != null && !details.isNull() && !details.isObject()) {
      throw new Bad("details: must be an object or null");
    }
    return new ServerEvent.Error(text(m, "kind", ""), text(m, "message", ""), optionalText(m, "queryID", ""),
        details == null || details.isNull() ? null : details);
  }

  private static ServerEvent pong(JsonNode m) {
    only(m, PONG, "pong");
    return new ServerEvent.Pong(m.get("id"));
  }

  // ---- fields

  private static String at(String path, String field) {
    return (path.isEmpty() ? field : path + "." + field) + ": ";
  }

  private static void only(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw new Bad("unknown field \"" + MessageCodec.echo(field, 64) + "\" in " + where);
      }
    }
  }

  private static void object(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new Bad(path + ": must be an object");
    }
  }

  private static ObjectNode objectField(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || !n.isObject()) {
      throw new Bad(at(path, field) + (n == null ? "missing" : "must be an object"));
    }
    return (ObjectNode) n;
  }

  private static JsonNode array(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || !n.isArray()) {
      throw new Bad(at(path, field) + (n == null ? "missing" : "must be an array"));
    }
    return n;
  }

  private static String text(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || !n.isTextual()) {
      throw new Bad(at(path, field) + (n == null ? "missing" : "must be a string"));
    }
    return n.textValue();
  }

  private static String optionalText(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new Bad(at(path, field) + "must be a string or null");
    }
    return n.textValue();
  }

  private static long integer(JsonNode node, String field, String path) {
    JsonNode n = node.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new Bad(at(path, field) + (n == null ? "missing" : "must be an integer (64 bits)"));
    }
    return n.longValue();
  }
}
