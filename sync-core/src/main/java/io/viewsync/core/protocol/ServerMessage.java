package io.viewsync.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.query.QueryError;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes server → client messages (docs/protocol.md, "Server → client") as JSON text, one message per text frame.
 * Fields come in the order the doc shows them; optional fields that are null are left out, except
 * {@code pokeStart}'s {@code baseCookie}, which is always written ({@code null} for a client without a cookie).
 * {@code pokePart} always has both {@code rows} and {@code queries}, either possibly empty.
 *
 * <p>Stateless; safe from any thread. {@link RowOp} and {@link QueryStatus} are immutable values.
 */
public final class ServerMessage {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ServerMessage() {}

  /**
   * One row change of a {@code pokePart}: {@code put} carries the whole row (the client's declared columns),
   * {@code del} only its key. Immutable value: {@code key} and {@code value} are copied on the way in and out.
   *
   * @param op put or del
   * @param table the table's replica name
   * @param key the primary key's columns → wire values
   * @param value for put, the row's columns → wire values ({@link WireValues}); null for del
   */
  public record RowOp(Op op, String table, ObjectNode key, ObjectNode value) {

    /** Sent on the wire in lower case. */
    public enum Op {
      PUT, DEL;

      public String wire() {
        return name().toLowerCase(Locale.ROOT);
      }
    }

    public RowOp {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(key, "key");
      if ((value == null) != (op == Op.DEL)) {
        throw new IllegalArgumentException("a put carries the row's value, a del does not: " + op + " " + table);
      }
      key = key.deepCopy();
      value = value == null ? null : value.deepCopy();
    }

    public static RowOp put(String table, ObjectNode key, ObjectNode value) {
      return new RowOp(Op.PUT, table, key, value);
    }

    public static RowOp del(String table, ObjectNode key) {
      return new RowOp(Op.DEL, table, key, null);
    }

    /** A copy of the key. */
    @Override
    public ObjectNode key() {
      return key.deepCopy();
    }

    /** A copy of the value, or null for a del. */
    @Override
    public ObjectNode value() {
      return value == null ? null : value.deepCopy();
    }

    ObjectNode toJson() {
      ObjectNode o = NODES.objectNode().put("op", op.wire()).put("table", table);
      o.set("key", key.deepCopy());
      if (value != null) {
        o.set("value", value.deepCopy());
      }
      return o;
    }
  }

  /**
   * A query's status change in a {@code pokePart}. Immutable value; safe from any thread.
   *
   * @param queryID the client's ID for the query
   * @param status loading, complete or unavailable
   * @param reason why it is unavailable (required then, absent otherwise)
   * @param errors for a query the server failed on, its errors (only with unavailable); empty when none
   */
  public record QueryStatus(String queryID, Status status, String reason, List<QueryError> errors) {

    /** Sent on the wire in lower case: values only grow, never rename one. */
    public enum Status {
      LOADING, COMPLETE, UNAVAILABLE;

      public String wire() {
        return name().toLowerCase(Locale.ROOT);
      }
    }

    public QueryStatus {
      Objects.requireNonNull(queryID, "queryID");
      Objects.requireNonNull(status, "status");
      errors = errors == null ? List.of() : List.copyOf(errors);
      if ((reason == null) != (status != Status.UNAVAILABLE)) {
        throw new IllegalArgumentException("an unavailable query has a reason, the others none: " + queryID);
      }
      if (!errors.isEmpty() && status != Status.UNAVAILABLE) {
        throw new IllegalArgumentException("only an unavailable query has errors: " + queryID);
      }
    }

    public static QueryStatus loading(String queryID) {
      return new QueryStatus(queryID, Status.LOADING, null, List.of());
    }

    public static QueryStatus complete(String queryID) {
      return new QueryStatus(queryID, Status.COMPLETE, null, List.of());
    }

    public static QueryStatus unavailable(String queryID, String reason, List<QueryError> errors) {
      return new QueryStatus(queryID, Status.UNAVAILABLE, reason, errors);
    }

    ObjectNode toJson() {
      ObjectNode o = NODES.objectNode().put("queryID", queryID).put("status", status.wire());
      if (reason != null) {
        o.put("reason", reason);
      }
      if (!errors.isEmpty()) {
        o.set("errors", errorsJson(errors));
      }
      return o;
    }
  }

  /** {@code connected}: the answer to an accepted {@code connect}. */
  public static String connected(int protocolVersion, String serverVersion, long schemaVersion,
      CompatibilityReport compatibility) {
    ObjectNode o = ProtocolJson.message("connected").put("protocolVersion", protocolVersion)
        .put("serverVersion", Objects.requireNonNull(serverVersion, "serverVersion"))
        .put("schemaVersion", schemaVersion);
    o.set("compatibility", compatibility.toJson());
    return ProtocolJson.write(o);
  }

  /** {@code pokeStart}; {@code baseCookie} null is written as {@code null}. */
  public static String pokeStart(String pokeID, String baseCookie, long schemaVersion, boolean reset) {
    ObjectNode o = ProtocolJson.message("pokeStart").put("pokeID", Objects.requireNonNull(pokeID, "pokeID"));
    o.put("baseCookie", baseCookie);
    return ProtocolJson.write(o.put("schemaVersion", schemaVersion).put("reset", reset));
  }

  /** {@code pokePart}: row changes and query status changes, either list possibly empty. */
  public static String pokePart(String pokeID, List<RowOp> rows, List<QueryStatus> queries) {
    ObjectNode o = ProtocolJson.message("pokePart").put("pokeID", Objects.requireNonNull(pokeID, "pokeID"));
    ArrayNode rowsNode = o.putArray("rows");
    rows.forEach(r -> rowsNode.add(r.toJson()));
    ArrayNode queriesNode = o.putArray("queries");
    queries.forEach(q -> queriesNode.add(q.toJson()));
    return ProtocolJson.write(o);
  }

  /** {@code pokeEnd}: the client applies the poke, then remembers {@code cookie}. */
  public static String pokeEnd(String pokeID, String cookie) {
    return ProtocolJson.write(ProtocolJson.message("pokeEnd").put("pokeID", Objects.requireNonNull(pokeID, "pokeID"))
        .put("cookie", Objects.requireNonNull(cookie, "cookie")));
  }

  /** {@code schemaChanged}: the client's new compatibility report after an upstream schema change. */
  public static String schemaChanged(long schemaVersion, CompatibilityReport compatibility) {
    ObjectNode o = ProtocolJson.message("schemaChanged").put("schemaVersion", schemaVersion);
    o.set("compatibility", compatibility.toJson());
    return ProtocolJson.write(o);
  }

  /** {@code error}: {@code queryID} and {@code details} left out when null. */
  public static String error(ProtocolError error) {
    ObjectNode o = ProtocolJson.message("error").put("kind", error.kind().wire()).put("message", error.message());
    if (error.queryID() != null) {
      o.put("queryID", error.queryID());
    }
    if (error.detailsNode() != null) {
      o.set("details", error.detailsNode().deepCopy());
    }
    return ProtocolJson.write(o);
  }

  /** {@code pong} with the ping's {@code id}: left out when the ping had none (Java null), else as sent. */
  public static String pong(JsonNode id) {
    ObjectNode o = ProtocolJson.message("pong");
    if (id != null) {
      o.set("id", id.deepCopy());
    }
    return ProtocolJson.write(o);
  }

  /**
   * Query errors as the wire lists them ({@code details.errors} of {@code invalid_query}, {@code errors} of an
   * unavailable query): {@code [{"kind": "UNKNOWN_COLUMN", "path": "where.column", "message": "…"}]}, kinds
   * spelled as {@link QueryError.Kind} (docs/queries.md).
   */
  public static ArrayNode errorsJson(List<QueryError> errors) {
    ArrayNode a = NODES.arrayNode();
    for (QueryError e : errors) {
      a.addObject().put("kind", e.kind().name()).put("path", e.path()).put("message", e.message());
    }
    return a;
  }

}
