package io.viewsync.server.metrics;

/**
 * Every metric viewsync exports, in Micrometer's dot style; the Prometheus registry writes them with underscores
 * and a unit or {@code _total} suffix ({@code viewsync.replication.rows} → {@code viewsync_replication_rows_total}).
 * docs/operations.md lists them with their Prometheus names; {@code MetricNamesDocTest} keeps the two equal. Tags are
 * few and bounded (an op, a state, an error kind, a close code), never a table, client or query.
 */
public final class MetricNames {
  private MetricNames() {}

  // Replication (the replicator's status and counters).
  /** Gauge: upstream WAL not yet durable in the replica, bytes (-1 unknown). */
  public static final String LAG_BYTES = "viewsync.replication.lag.bytes";
  /** Gauge: the walsender's flush lag for the slot, seconds (0 caught up, -1 unknown). */
  public static final String LAG_SECONDS = "viewsync.replication.lag.seconds";
  /** Gauge: the replica's watermark, the LSN as a number. */
  public static final String WATERMARK = "viewsync.replication.watermark";
  /** Gauge: 1 when the replica is caught up (what {@code /readyz} answers 200 for), else 0. */
  public static final String READY = "viewsync.ready";
  /** Gauge, tag {@code phase}: 1 for the replicator's current phase, 0 for the others. */
  public static final String PHASE = "viewsync.replication.phase";
  /** Counter: upstream transactions applied. */
  public static final String TRANSACTIONS = "viewsync.replication.transactions";
  /** Counter, tag {@code op} (insert, update, delete, truncate): row changes applied. */
  public static final String ROWS = "viewsync.replication.rows";
  /** Counter: SQLite transactions (batches of upstream transactions) committed. */
  public static final String BATCHES = "viewsync.replication.batches";
  /** Gauge: upstream transactions in the last batch. */
  public static final String BATCH_TRANSACTIONS = "viewsync.replication.batch.transactions";
  /** Gauge: commit time of the last batch, seconds. */
  public static final String BATCH_SECONDS = "viewsync.replication.batch.commit.seconds";
  /** Counter: tables quarantined. */
  public static final String QUARANTINES = "viewsync.replication.quarantines";
  /** Counter: per-table resyncs started. */
  public static final String RESYNCS_STARTED = "viewsync.replication.resyncs.started";
  /** Counter: per-table resyncs swapped in (done). */
  public static final String RESYNCS_DONE = "viewsync.replication.resyncs.done";
  /** Gauge: rows copied so far by the tables being copied (initial copy) or resynced. */
  public static final String COPY_ROWS = "viewsync.copy.rows";
  /** Gauge: the estimated rows of the tables being copied or resynced (Postgres' statistics). */
  public static final String COPY_ROWS_ESTIMATED = "viewsync.copy.rows.estimated";
  /** Gauge: WAL the slot holds back from removal, bytes (-1 unknown). */
  public static final String SLOT_RETAINED_BYTES = "viewsync.slot.retained.bytes";
  /** Gauge, tag {@code status} (reserved, extended, unreserved, lost): 1 for the slot's wal_status. */
  public static final String SLOT_WAL_STATUS = "viewsync.slot.wal.status";
  /** Gauge: the replica's schema version. */
  public static final String SCHEMA_VERSION = "viewsync.schema.version";
  /** Gauge, tag {@code state} (copying, syncing, resyncing, quarantined, unsyncable): tables in that state. */
  public static final String TABLES = "viewsync.tables";

  // Online rebuild.
  /** Gauge, tag {@code state} (idle, copying, catching-up, swapping, done, failed): 1 for the rebuild's state. */
  public static final String REBUILD_STATE = "viewsync.rebuild.state";
  /** Gauge: rows the running rebuild copied so far. */
  public static final String REBUILD_ROWS = "viewsync.rebuild.rows";
  /** Gauge: rows the running rebuild estimates to copy. */
  public static final String REBUILD_ROWS_ESTIMATED = "viewsync.rebuild.rows.estimated";
  /** Gauge: how long the current (or last) rebuild ran, seconds. */
  public static final String REBUILD_SECONDS = "viewsync.rebuild.duration";

  // Sync (the view syncer and its clients).
  /** Gauge: connected clients. */
  public static final String CLIENTS = "viewsync.sync.clients";
  /** Gauge: connected clients whose schema declaration is degraded against the server's. */
  public static final String CLIENTS_DEGRADED = "viewsync.sync.clients.degraded";
  /** Gauge: client groups in memory. */
  public static final String CLIENT_GROUPS = "viewsync.sync.client.groups";
  /** Gauge: subscriptions (client queries) in memory. */
  public static final String QUERIES = "viewsync.sync.queries";
  /** Gauge: pipelines (views) the subscriptions share. */
  public static final String PIPELINES = "viewsync.sync.pipelines";
  /** Counter: pokes sent. */
  public static final String POKES = "viewsync.sync.pokes";
  /** Distribution: row operations per poke. */
  public static final String POKE_ROWS = "viewsync.sync.poke.rows";
  /** Timer (histogram): upstream commit of an advance's newest transaction to its pokes handed to the sockets. */
  public static final String POKE_LATENCY = "viewsync.sync.poke.latency";
  /** Timer: one advance of the views and the pokes it makes. */
  public static final String ADVANCE = "viewsync.sync.advance";
  /** Timer: a subscription's first answer (its view built, or found shared). */
  public static final String HYDRATION = "viewsync.sync.hydration";
  /** Counter, tag {@code kind} (the protocol's error kinds): errors sent to clients. */
  public static final String PROTOCOL_ERRORS = "viewsync.sync.protocol.errors";
  /** Counter, tag {@code code}: connections the server closed, by WebSocket close code. */
  public static final String CLOSES = "viewsync.sync.closes";
}
