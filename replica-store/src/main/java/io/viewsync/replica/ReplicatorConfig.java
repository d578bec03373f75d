package io.viewsync.replica;

import io.viewsync.core.source.pg.PgConnector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the replicator needs to run. Immutable.
 *
 * @param tables tables for a publication viewsync creates; empty means every table with a usable key
 * @param maxBatchRows group commit: a replica transaction is committed at the first transaction boundary
 *     after this many row changes …
 * @param maxBatchMillis … or after this long, or as soon as the stream has nothing pending
 */
public record ReplicatorConfig(PgConnector connector, Path replicaDir, String slot, String publication,
    List<String> tables, int copyWorkers, Duration heartbeatInterval, int maxBatchRows, long maxBatchMillis) {

  public ReplicatorConfig {
    tables = List.copyOf(tables);
    if (!slot.matches("[a-z0-9_]{1,63}")) {
      throw new IllegalArgumentException("a replication slot name is 1-63 characters of a-z, 0-9 and _: " + slot);
    }
    if (publication.isBlank()) {
      throw new IllegalArgumentException("the publication name is empty");
    }
    if (copyWorkers < 1) {
      throw new IllegalArgumentException("copy workers must be at least 1: " + copyWorkers);
    }
  }

  /** Group commit: at most this many row changes … */
  public static final int DEFAULT_MAX_BATCH_ROWS = 20_000;
  /** … or this long per replica transaction (it commits sooner whenever the stream has nothing pending). */
  public static final long DEFAULT_MAX_BATCH_MILLIS = 200;

  public static ReplicatorConfig defaults(PgConnector connector, Path replicaDir) {
    return new ReplicatorConfig(connector, replicaDir, "viewsync", "viewsync", List.of(), 4, Duration.ofSeconds(10),
        DEFAULT_MAX_BATCH_ROWS, DEFAULT_MAX_BATCH_MILLIS);
  }

  public ReplicatorConfig withSlot(String s) {
    return new ReplicatorConfig(connector, replicaDir, s, publication, tables, copyWorkers, heartbeatInterval,
        maxBatchRows, maxBatchMillis);
  }

  public ReplicatorConfig withReplicaDir(Path dir) {
    return new ReplicatorConfig(connector, dir, slot, publication, tables, copyWorkers, heartbeatInterval,
        maxBatchRows, maxBatchMillis);
  }

  public ReplicatorConfig withPublication(String p) {
    return new ReplicatorConfig(connector, replicaDir, slot, p, tables, copyWorkers, heartbeatInterval, maxBatchRows,
        maxBatchMillis);
  }
}
