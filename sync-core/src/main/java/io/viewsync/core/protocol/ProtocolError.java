package io.viewsync.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Objects;

/**
 * An {@code error} message (docs/protocol.md, "error"): what {@link MessageCodec#parse} returns for a message it
 * cannot accept, and what the server sends back ({@link ServerMessage#error}). The connection stays usable except
 * after {@link Kind#UNSUPPORTED_PROTOCOL}.
 *
 * <p>Immutable value: {@code details} is copied on the way in and on the way out. Safe from any thread.
 *
 * @param kind what went wrong
 * @param message a sentence for a person
 * @param details structured details ({@code {"errors": [...]}} for {@link Kind#INVALID_QUERY}, {@code {"min",
 *     "max"}} for {@link Kind#UNSUPPORTED_PROTOCOL}), or null
 * @param queryID the query the error concerns, where it could be read, or null
 */
public record ProtocolError(Kind kind, String message, JsonNode details, String queryID)
    implements MessageCodec.Parsed {

  /** Sent on the wire in lower case ({@link #wire()}): values only grow, never rename one. */
  public enum Kind {
    /** Not JSON, not an object, a missing or unknown field, a field of the wrong type. */
    MALFORMED,
    /** A {@code type} this version does not have. */
    UNKNOWN_TYPE,
    /** A message before {@code connect}. */
    NOT_CONNECTED,
    /** A second {@code connect}. */
    ALREADY_CONNECTED,
    /** {@code protocolVersion} outside {@link ProtocolVersions#MIN}..{@link ProtocolVersions#MAX}; closes (4001). */
    UNSUPPORTED_PROTOCOL,
    /** The query does not parse or does not validate; {@code details.errors} holds the query errors. */
    INVALID_QUERY,
    /** {@code unsubscribe} of a query the client does not have. */
    UNKNOWN_QUERY,
    /** More than the per-client limit of queries. */
    TOO_MANY_QUERIES,
    /** A message over the size limit ({@link MessageCodec#MAX_MESSAGE_CHARS}). */
    TOO_LARGE,
    /** The server failed to handle the message (a bug, logged). */
    INTERNAL;

    /** The wire spelling: {@code invalid_query}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ProtocolError {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    details = details == null ? null : details.deepCopy();
  }

  /** A copy of the details, or null. */
  @Override
  public JsonNode details() {
    return details == null ? null : details.deepCopy();
  }

  /** An error without details or query. */
  public static ProtocolError of(Kind kind, String message) {
    return new ProtocolError(kind, message, null, null);
  }

  /** The details as held, for writing without a copy; package-private so that nobody can change them. */
  JsonNode detailsNode() {
    return details;
  }
}
