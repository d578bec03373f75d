package io.viewsync.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewsync.core.protocol.ServerMessage.QueryStatus;
import io.viewsync.core.protocol.ServerMessage.RowOp;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A server → client message (docs/protocol.md, "Server → client") as a client reads it
 * ({@link ServerMessageReader#parse}): the values {@link ServerMessage}'s writers took, so that
 * {@code ServerMessageReader.parse(ServerMessage.x(args))} is the event of those {@code args}.
 *
 * <p>Immutable values (JSON trees are copied on the way in and out, lists are unmodifiable); safe from any thread.
 */
public sealed interface ServerEvent extends ServerMessageReader.Parsed {

  /** The message's {@code type} on the wire. */
  String type();

  /** {@code connected}: the server accepted the {@code connect}. */
  record Connected(int protocolVersion, String serverVersion, long schemaVersion,
      CompatibilityReport compatibility) implements ServerEvent {
    public Connected {
      Objects.requireNonNull(serverVersion, "serverVersion");
      Objects.requireNonNull(compatibility, "compatibility");
    }

    @Override
    public String type() {
      return "connected";
    }
  }

  /**
   * {@code pokeStart}: buffer the parts that follow until {@link PokeEnd}.
   *
   * @param baseCookie the cookie the poke applies to, null for a client that had none
   * @param reset clear every row held before applying the poke
   */
  record PokeStart(String pokeID, String baseCookie, long schemaVersion, boolean reset) implements ServerEvent {
    public PokeStart {
      Objects.requireNonNull(pokeID, "pokeID");
    }

    @Override
    public String type() {
      return "pokeStart";
    }
  }

  /** {@code pokePart}: row changes and query status changes, either list possibly empty. */
  record PokePart(String pokeID, List<RowOp> rows, List<QueryStatus> queries) implements ServerEvent {
    public PokePart {
      Objects.requireNonNull(pokeID, "pokeID");
      rows = List.copyOf(rows);
      queries = List.copyOf(queries);
    }

    @Override
    public String type() {
      return "pokePart";
    }
  }

  /** {@code pokeEnd}: apply the buffered parts atomically, then remember {@code cookie}. */
  record PokeEnd(String pokeID, String cookie) implements ServerEvent {
    public PokeEnd {
      Objects.requireNonNull(pokeID, "pokeID");
      Objects.requireNonNull(cookie, "cookie");
    }

    @Override
    public String type() {
      return "pokeEnd";
    }
  }

  /** {@code schemaChanged}: the client's new compatibility report after an upstream schema change. */
  record SchemaChanged(long schemaVersion, CompatibilityReport compatibility) implements ServerEvent {
    public SchemaChanged {
      Objects.requireNonNull(compatibility, "compatibility");
    }

    @Override
    public String type() {
      return "schemaChanged";
    }
  }

  /**
   * {@code error}. The kind is kept as sent, since kinds only grow: a newer server may send one this client does
   * not know ({@link #knownKind()} is then empty).
   *
   * @param kind the wire spelling, {@code invalid_query}
   * @param message a sentence for a person
   * @param queryID the query the error concerns, or null
   * @param details the kind's details, or null
   */
  record Error(String kind, String message, String queryID, JsonNode details) implements ServerEvent {
    public Error {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
      details = details == null ? null : details.deepCopy();
    }

    /** The event of the error {@link ServerMessage#error} writes. */
    public static Error of(ProtocolError error) {
      return new Error(error.kind().wire(), error.message(), error.queryID(), error.details());
    }

    /** A copy of the details, or null. */
    @Override
    public JsonNode details() {
      return details == null ? null : details.deepCopy();
    }

    /** The kind, if this version knows it. */
    public Optional<ProtocolError.Kind> knownKind() {
      for (ProtocolError.Kind k : ProtocolError.Kind.values()) {
        if (k.wire().equals(kind)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }

    /** As a {@link ProtocolError}, if the kind is known. */
    public Optional<ProtocolError> toProtocolError() {
      return knownKind().map(k -> new ProtocolError(k, message, details, queryID));
    }

    @Override
    public String type() {
      return "error";
    }

    @Override
    public String toString() {
      return "Error[" + kind + ": " + message + (queryID == null ? "" : " (" + queryID + ")")
          + (details == null ? "" : " " + details) + "]";
    }
  }

  /**
   * {@code pong}: the answer to a {@code ping}.
   *
   * @param id the ping's id as echoed: Java null when the field was left out, a JSON null node for {@code null}
   */
  record Pong(JsonNode id) implements ServerEvent {
    public Pong {
      id = id == null ? null : id.deepCopy();
    }

    /** A copy of the id, or null when there was none. */
    @Override
    public JsonNode id() {
      return id == null ? null : id.deepCopy();
    }

    @Override
    public String type() {
      return "pong";
    }
  }
}
