package io.viewsync.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.QueryJson;
import java.util.Objects;

/**
 * Writes client → server messages (docs/protocol.md, "Client → server") as JSON text, one message per text frame:
 * the client side of {@link MessageCodec}. For every message {@code m} this writes,
 * {@code MessageCodec.parse(write(m)).equals(m)}.
 *
 * <p>Fields come in the doc's order; {@code connect}'s {@code cookie} is always written ({@code null} for a fresh
 * client, as in the doc's example), its {@code auth} only when not null. IDs are checked as the server checks them
 * (1–{@link MessageCodec#MAX_ID_CHARS} chars, no lone surrogate): a message the server would refuse for its shape
 * is a client bug, so the writers throw {@link IllegalArgumentException} for it rather than send it. A
 * {@code protocolVersion} is not checked (asking for an unsupported one is legitimate: the server says which it
 * speaks).
 *
 * <p>Stateless; safe from any thread.
 */
public final class ClientMessageWriter {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ClientMessageWriter() {}

  /** Any client message, by its type. */
  public static String write(ClientMessage message) {
    if (message instanceof ClientMessage.Connect c) {
      return connect(c);
    } else if (message instanceof ClientMessage.Subscribe s) {
      return subscribe(s.queryID(), s.query());
    } else if (message instanceof ClientMessage.Unsubscribe u) {
      return unsubscribe(u.queryID());
    } else if (message instanceof ClientMessage.Ping p) {
      return ping(p.id());
    }
    throw new NullPointerException("message");
  }

  /** {@code connect}: the first message of a connection. */
  public static String connect(ClientMessage.Connect connect) {
    ObjectNode o = ProtocolJson.message("connect").put("protocolVersion", connect.protocolVersion());
    o.put("clientGroupID", id(connect.clientGroupID(), "clientGroupID"));
    o.put("clientID", id(connect.clientID(), "clientID"));
    o.put("cookie", connect.cookie());
    o.set("schema", connect.schema().toJson());
    if (connect.auth() != null) {
      o.put("auth", connect.auth());
    }
    return ProtocolJson.write(o);
  }

  /** {@code connect} from its fields; {@code cookie} and {@code auth} may be null. */
  public static String connect(int protocolVersion, String clientGroupID, String clientID, ClientSchema schema,
      String cookie, String auth) {
    return connect(new ClientMessage.Connect(protocolVersion, clientGroupID, clientID, schema, cookie, auth));
  }

  /** {@code subscribe}: add a query, or replace the query of that ID; the query as {@link QueryJson} writes it. */
  public static String subscribe(String queryID, Query query) {
    ObjectNode o = ProtocolJson.message("subscribe").put("queryID", id(queryID, "queryID"));
    o.set("query", QueryJson.toJson(Objects.requireNonNull(query, "query")));
    return ProtocolJson.write(o);
  }

  /** {@code unsubscribe}. */
  public static String unsubscribe(String queryID) {
    return ProtocolJson.write(ProtocolJson.message("unsubscribe").put("queryID", id(queryID, "queryID")));
  }

  /**
   * {@code ping}: {@code id} any JSON value, echoed by the server's {@code pong}; Java null leaves the field out,
   * a JSON null node writes {@code "id": null}.
   */
  public static String ping(JsonNode id) {
    ObjectNode o = ProtocolJson.message("ping");
    if (id != null) {
      o.set("id", id.deepCopy());
    }
    return ProtocolJson.write(o);
  }

  /** {@code ping} with a number id, the usual kind: {@code {"type": "ping", "id": 17}}. */
  public static String ping(long id) {
    return ProtocolJson.write(ProtocolJson.message("ping").put("id", id));
  }

  private static String id(String id, String field) {
    String problem = MessageCodec.idProblem(id == null ? null : NODES.textNode(id), field);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return id;
  }

}
