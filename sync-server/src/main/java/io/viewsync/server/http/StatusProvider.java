package io.viewsync.server.http;

/**
 * What the HTTP endpoints {@code /readyz} and {@code /admin/status} report, supplied by the service.
 *
 * <p><b>Threading:</b> every method is called on a Netty event loop, concurrently from several of them. An
 * implementation must answer from a snapshot (volatile fields, an {@code AtomicReference} to an immutable record)
 * and must never block: no database queries, no locks held by the replication thread, no I/O.
 */
public interface StatusProvider {

  /** True when the replica is caught up enough to serve (see {@code --ready-lag-bytes}). */
  boolean ready();

  /** Why the service is not ready, one sentence for operators; only asked when {@link #ready()} is false. */
  String notReadyReason();

  /**
   * A snapshot of the service status for {@code /admin/status}, serialized with Jackson on the event loop, so it
   * must be small and cheap: typically a record of watermark, lag, schema version and per-table states.
   */
  Object status();
}
