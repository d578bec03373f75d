package io.viewsync.core.protocol;

import java.util.Objects;

/**
 * Whether a client's query can run against the server schema ({@link QueryAvailability#check}). An unavailable
 * query gets the status {@code unavailable} with {@code reason} and an empty result; the client keeps what it had.
 * Immutable values; safe from any thread.
 */
public sealed interface Availability {

  /** The query runs normally. */
  enum Available implements Availability { INSTANCE }

  /**
   * The query cannot run.
   *
   * @param path where in the query the first problem is, as in {@link io.viewsync.core.query.QueryError#path()}
   *     ({@code related[0].query.where.column}, {@code table} for the top table)
   * @param reason a sentence naming the table or column and why
   */
  record Unavailable(String path, String reason) implements Availability {
    public Unavailable {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reason, "reason");
    }
  }

  default boolean isAvailable() {
    return this instanceof Available;
  }
}
