package io.viewsync.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewsync.core.query.Query;
import java.util.Objects;

/**
 * A client → server message (docs/protocol.md, "Client → server"), as {@link MessageCodec#parse} reads it. The
 * records hold what the message says, checked for shape only: whether a {@code connect} comes first, whether a
 * query validates against the schema and whether an unsubscribed ID exists are the server's business.
 *
 * <p>Immutable values ({@link Ping#id()} is copied on the way in and out); safe from any thread.
 */
public sealed interface ClientMessage extends MessageCodec.Parsed {

  /** The message's {@code type} on the wire. */
  String type();

  /**
   * {@code connect}: the first message of a connection.
   *
   * @param protocolVersion the version asked for, within {@link ProtocolVersions#MIN}..{@link ProtocolVersions#MAX}
   *     (the codec answers any other with {@code unsupported_protocol})
   * @param clientGroupID 1–64 chars
   * @param clientID 1–64 chars
   * @param schema the schema the client was built against
   * @param cookie the cookie of the last poke the group applied, or null for a fresh client
   * @param auth reserved, or null
   */
  record Connect(int protocolVersion, String clientGroupID, String clientID, ClientSchema schema, String cookie,
      String auth) implements ClientMessage {
    public Connect {
      Objects.requireNonNull(clientGroupID, "clientGroupID");
      Objects.requireNonNull(clientID, "clientID");
      Objects.requireNonNull(schema, "schema");
    }

    @Override
    public String type() {
      return "connect";
    }
  }

  /**
   * {@code subscribe}: add a query, or replace the query of that ID.
   *
   * @param queryID 1–64 chars, chosen by the client
   * @param query the query as parsed ({@link io.viewsync.core.query.QueryJson}), not yet validated
   */
  record Subscribe(String queryID, Query query) implements ClientMessage {
    public Subscribe {
      Objects.requireNonNull(queryID, "queryID");
      Objects.requireNonNull(query, "query");
    }

    @Override
    public String type() {
      return "subscribe";
    }
  }

  /**
   * {@code unsubscribe}.
   *
   * @param queryID 1–64 chars
   */
  record Unsubscribe(String queryID) implements ClientMessage {
    public Unsubscribe {
      Objects.requireNonNull(queryID, "queryID");
    }

    @Override
    public String type() {
      return "unsubscribe";
    }
  }

  /**
   * {@code ping}; answered by {@link ServerMessage#pong} with the same id.
   *
   * @param id any JSON value; Java null when the field was left out, a JSON null node when it was {@code null}
   */
  record Ping(JsonNode id) implements ClientMessage {
    public Ping {
      id = id == null ? null : id.deepCopy();
    }

    /** A copy of the id, or null when the ping had none. */
    @Override
    public JsonNode id() {
      return id == null ? null : id.deepCopy();
    }

    @Override
    public String type() {
      return "ping";
    }
  }
}
