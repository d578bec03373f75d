package io.viewsync.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.viewsync.core.protocol.ServerEvent;
import java.util.Objects;

/**
 * An error the client received or ran into: the server's {@code error} messages (docs/protocol.md, "error"), and
 * the client's own findings about what the server sent (it then reconnects).
 *
 * <p>Immutable value ({@code details} is copied in and out); safe from any thread.
 *
 * @param origin who found it
 * @param kind for the server's, its kind as sent ({@code invalid_query}, …; kinds only grow); for the client's,
 *     {@code out_of_step} (a poke whose base cookie is not the client's cookie), {@code protocol_violation} (a
 *     message the client cannot read or a row it cannot hold) or {@code internal} (a bug in the client)
 * @param message a sentence for a person
 * @param queryID the query the error concerns, or null
 * @param details the server's details ({@code invalid_query}: {@code {"errors": […]}}), or null
 */
public record SyncError(Origin origin, String kind, String message, String queryID, JsonNode details) {

  /** Who found the error. */
  public enum Origin {
    /** An {@code error} message from the server. */
    SERVER,
    /** The client, about what the server sent or about itself. */
    CLIENT
  }

  public SyncError {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    details = details == null ? null : details.deepCopy();
  }

  static SyncError of(ServerEvent.Error e) {
    return new SyncError(Origin.SERVER, e.kind(), e.message(), e.queryID(), e.details());
  }

  static SyncError client(String kind, String message) {
    return new SyncError(Origin.CLIENT, kind, message, null, null);
  }

  /** A copy of the details, or null. */
  @Override
  public JsonNode details() {
    return details == null ? null : details.deepCopy();
  }
}
