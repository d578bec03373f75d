package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.schema.SchemaFingerprint;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.schema.UpstreamTable;
import io.viewsync.core.source.pg.PgCatalog;
import io.viewsync.core.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Checks shared by the schema-change integration tests. */
final class SchemaTesting {
  private SchemaTesting() {}

  static Map<String, ReplicatorStatus.Table> tables(Replicator r) {
    return r.status().tables().stream().collect(Collectors.toMap(ReplicatorStatus.Table::name, t -> t));
  }

  /** The publication's syncable tables with a primary key, by replica name, as upstream has them now. */
  static List<String> publishedWithPk(TestDatabase db, String publication) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT pt.schemaname, pt.tablename FROM pg_publication_tables pt"
             + " WHERE pt.pubname = '" + publication + "' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indisprimary"
             + " AND i.indrelid = (quote_ident(pt.schemaname) || '.' || quote_ident(pt.tablename))::regclass)")) {
      while (rs.next()) {
        out.add("public".equals(rs.getString(1)) ? rs.getString(2) : rs.getString(1) + "." + rs.getString(2));
      }
    }
    return out;
  }

  /** Upstream's schema fingerprint for the publication, computed as the replica computes its own. */
  static String upstreamFingerprint(TestDatabase db, String publication) throws SQLException {
    try (Connection c = db.connect()) {
      List<TableSpec> specs = new ArrayList<>();
      for (UpstreamTable t : new PgCatalog(c).publishedSchema(publication)) {
        specs.add(t.spec());
      }
      return SchemaFingerprint.of(specs);
    }
  }

  /** The tables whose recorded spec differs from upstream's, as JSON, for a failure message. */
  static List<String> specDiff(TestDatabase db, Path dir, String publication) throws SQLException {
    java.util.Map<String, String> replica = new java.util.HashMap<>();
    try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db") + "?open_mode=1");
         Statement s = r.createStatement(); ResultSet rs = s.executeQuery("SELECT name, spec FROM _viewsync_tables")) {
      while (rs.next()) {
        replica.put(rs.getString(1), rs.getString(2));
      }
    }
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect()) {
      for (UpstreamTable t : new PgCatalog(c).publishedSchema(publication)) {
        String up = SpecCodec.write(t.spec());
        String rep = replica.remove(t.spec().name().replicaName());
        if (!up.equals(rep)) {
          out.add("upstream " + up + " replica " + rep);
        }
      }
    }
    replica.forEach((k, v) -> out.add("only in the replica: " + v));
    return out;
  }

  static String replicaState(Path dir, String key) throws SQLException {
    try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db") + "?open_mode=1");
         var ps = r.prepareStatement("SELECT value FROM _viewsync_state WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  static long historyRows(Path dir) throws SQLException {
    try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("replica.db") + "?open_mode=1");
         Statement s = r.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM _viewsync_schema_history")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Waits until the replica equals upstream: the same tables, every published table with a primary key equal
   * row by row, no table resyncing or quarantined, and the same schema fingerprint.
   */
  static void assertInSync(TestDatabase db, Path dir, Replicator r, String publication, long timeoutMillis)
      throws Exception {
    assertInSync(db, dir, r, publication, timeoutMillis, true);
  }

  /** As above; without event triggers specs are partly derived from the stream, so the fingerprint may differ. */
  static void assertInSync(TestDatabase db, Path dir, Replicator r, String publication, long timeoutMillis,
      boolean fingerprint) throws Exception {
    List<String> last = new ArrayList<>();
    boolean ok = ReplicaOracle.await(timeoutMillis, () -> {
      last.clear();
      try (Connection c = db.connect()) {
        for (ReplicatorStatus.Table t : r.status().tables()) {
          if (!"syncing".equals(t.state()) && !"unsyncable".equals(t.state())) {
            last.add(t.name() + " is " + t.state() + ": " + t.reason());
          }
        }
        List<String> published = publishedWithPk(db, publication);
        List<String> replicaTables = r.status().tables().stream().filter(t -> !"unsyncable".equals(t.state()))
            .map(ReplicatorStatus.Table::name).sorted().toList();
        if (!replicaTables.equals(published.stream().sorted().toList())) {
          last.add("synced tables: replica " + replicaTables + ", upstream " + published);
        }
        for (String t : published) {
          int dot = t.indexOf('.');
          last.addAll(ReplicaOracle.diff(c, dir, dot < 0 ? "public" : t.substring(0, dot), t.substring(dot + 1), 10));
        }
        String up = upstreamFingerprint(db, publication);
        String rep = replicaState(dir, SchemaVersions.STATE_FINGERPRINT);
        if (fingerprint && !up.equals(rep)) {
          last.add("spec differences: " + specDiff(db, dir, publication));
          last.add("schema fingerprint: upstream " + up + ", replica " + rep + "; replica tables "
              + r.status().tables().stream().map(ReplicatorStatus.Table::name).toList() + ", upstream " + published);
        }
      } catch (Exception e) {
        last.add("oracle failed: " + e);
      }
      return last.isEmpty();
    });
    assertThat(ok).as("replica equals upstream; differences: %s", last).isTrue();
    assertThat(r.status().phase()).isEqualTo("streaming");
  }
}
