package io.viewsync.replica;

import io.viewsync.core.Lsn;
import io.viewsync.core.schema.SchemaFingerprint;
import io.viewsync.core.schema.TableSpec;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The replica's schema version (DESIGN §6): a monotonic number and a fingerprint of the recorded tables,
 * bumped whenever an applied change alters the fingerprint, with one history row per version naming the DDL
 * that caused it. Written in the writer's open transaction, so a version is durable with the change itself.
 * Replication thread only.
 */
final class SchemaVersions {
  static final String STATE_VERSION = "schema_version";
  static final String STATE_FINGERPRINT = "schema_fingerprint";

  private SchemaVersions() {}

  /** The fingerprint of what the replica records now. */
  static String fingerprint(ReplicaStore store) throws SQLException {
    List<TableSpec> specs = new ArrayList<>();
    store.tables().values().forEach(t -> specs.add(t.spec()));
    return SchemaFingerprint.of(specs);
  }

  /**
   * Records the replica's current schema: if its fingerprint differs from the last recorded one, the version
   * goes up by one and a history row says why. Returns the (possibly new) version.
   *
   * @param lsn the commit LSN of the upstream transaction that changed the schema, or null (a resync, a copy)
   * @param cause the DDL text, or a sentence saying what changed
   */
  static long record(ReplicaStore store, Lsn lsn, String cause) throws SQLException {
    String fingerprint = fingerprint(store);
    long version = Long.parseLong(store.state(STATE_VERSION).orElse("0"));
    if (fingerprint.equals(store.state(STATE_FINGERPRINT).orElse(null))) {
      return version;
    }
    version++;
    store.putState(STATE_VERSION, Long.toString(version));
    store.putState(STATE_FINGERPRINT, fingerprint);
    try (PreparedStatement ps = store.writer().prepareStatement("INSERT OR REPLACE INTO _viewsync_schema_history"
        + " (version, fingerprint, lsn, ddl, applied_at) VALUES (?, ?, ?, ?, ?)")) {
      ps.setLong(1, version);
      ps.setString(2, fingerprint);
      ps.setString(3, lsn == null ? null : lsn.toString());
      ps.setString(4, cause);
      ps.setString(5, Instant.now().toString());
      ps.executeUpdate();
    }
    return version;
  }
}
