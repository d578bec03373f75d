package io.viewsync.server;

import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorStatus;
import io.viewsync.replica.ResyncResult;
import io.viewsync.server.http.TableResyncer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Per-table resyncs by the replicator, for {@code POST /admin/tables/{name}/resync}. Adds what the replicator's
 * answer leaves to its status: why a table is unsyncable, what replication is doing instead of streaming.
 *
 * <p>Called on Netty event loops: {@link Replicator#requestResync} returns at once and {@link Replicator#status()}
 * is a snapshot, so nothing here blocks.
 */
final class ReplicatorResyncer implements TableResyncer {
  private final Function<String, ResyncResult> request;
  private final Supplier<ReplicatorStatus> status;

  /** Takes the two replicator methods as functions, so tests need no replicator. */
  ReplicatorResyncer(Function<String, ResyncResult> request, Supplier<ReplicatorStatus> status) {
    this.request = request;
    this.status = status;
  }

  static ReplicatorResyncer of(Replicator replicator) {
    return of(() -> replicator);
  }

  /** @param replicator the serving replicator (an online rebuild replaces it) */
  static ReplicatorResyncer of(Supplier<Replicator> replicator) {
    return new ReplicatorResyncer(t -> replicator.get().requestResync(t), () -> replicator.get().status());
  }

  @Override
  public Answer requestResync(String table) {
    String replicaName = replicaName(table);
    ResyncResult result = request.apply(replicaName);
    return switch (result) {
      case ACCEPTED, ALREADY_RUNNING, UNKNOWN_TABLE -> Answer.of(result);
      case UNSYNCABLE -> new Answer(result, tableReason(replicaName));
      case NOT_STREAMING -> new Answer(result, phase());
    };
  }

  /**
   * The replica's name of {@code table}: status calls {@code public.x} just {@code x}, and an operator who types the
   * schema should not be told that the table does not exist.
   */
  static String replicaName(String table) {
    return table.startsWith("public.") && table.length() > "public.".length()
        ? table.substring("public.".length()) : table;
  }

  private String tableReason(String replicaName) {
    for (ReplicatorStatus.Table t : status.get().tables()) {
      if (t.name().equals(replicaName)) {
        return t.reason();
      }
    }
    return null;
  }

  private String phase() {
    ReplicatorStatus s = status.get();
    return "replication is " + s.phase() + (s.lastError() == null ? "" : ": " + s.lastError());
  }
}
