package io.viewsync.server.http;

import io.viewsync.replica.ResyncResult;
import java.util.Objects;

/**
 * Starts a per-table resync for {@code POST /admin/tables/{name}/resync}: the table is copied again from a fresh
 * snapshot while the other tables keep streaming. Supplied by the service (the replicator); tests supply their own.
 *
 * <p><b>Threading:</b> called on a Netty event loop, concurrently from several of them. An implementation queues the
 * work and returns at once: no copying, no database queries, no locks held by the replication thread.
 */
@FunctionalInterface
public interface TableResyncer {

  /**
   * Asks for a resync of the replica table {@code table} ({@code x} or {@code schema.x}, as {@code /admin/status}
   * names it).
   */
  Answer requestResync(String table);

  /**
   * The outcome of a request.
   *
   * @param result what happened
   * @param reason why a resync was refused, one sentence for operators (e.g. the reason a table is unsyncable);
   *               null when there is nothing to add
   */
  record Answer(ResyncResult result, String reason) {
    public Answer {
      Objects.requireNonNull(result, "result");
    }

    public static Answer of(ResyncResult result) {
      return new Answer(result, null);
    }
  }
}
