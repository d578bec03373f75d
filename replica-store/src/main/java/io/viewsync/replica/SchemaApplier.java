package io.viewsync.replica;

import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.ValueCodec;
import io.viewsync.core.value.ValueFormatException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies upstream schema changes to the replica's tables: creates, drops and alters a replica table so that it
 * matches a new {@link TableSpec}. Every change runs in the writer connection's open transaction and is committed
 * by the caller with the rows around it, so readers see a schema change and the data at the same version. SQLite
 * enforces nothing but the row key, so NOT NULL and defaults are metadata only; indexes are {@link ReplicaIndexes}.
 *
 * <p>Where the rows cannot follow in place (a type change that changes stored values, a table that gained a key),
 * {@link Outcome#resyncReason()} says so and the caller copies that table again (DESIGN §5, per-table resync).
 *
 * <p>A table is found by its upstream oid. A rename or create that needs a name another table still holds parks
 * that table ({@link ReplicaTables}) until its own change moves or drops it: the caller applies the changes of
 * every table a DDL touched.
 *
 * <p>Replication thread only.
 */
final class SchemaApplier {
  private static final Logger log = LoggerFactory.getLogger(SchemaApplier.class);
  private static final String TEMP_PREFIX = "_viewsync_tmp_";

  /**
   * What {@link #alter} did.
   *
   * @param changed the recorded spec changed (name, columns, types, key, indexes, NOT NULL, defaults)
   * @param rebuilt the replica table was built anew: its layout changed and its rows were copied over, or it was
   *     created empty
   * @param keyChanged the row key is other columns now, or the table gained or lost its key
   * @param resyncReason non-null when the table's rows cannot follow in place: the caller copies it again
   */
  record Outcome(boolean changed, boolean rebuilt, boolean keyChanged, String resyncReason) {
    static final Outcome UNCHANGED = new Outcome(false, false, false, null);

    /** The change log's row keys of this table no longer describe its rows: the caller logs a reset. */
    boolean resetsRows() {
      return rebuilt || keyChanged;
    }
  }

  private final ReplicaStore store;
  private final Connection conn;
  private final ReplicaTables tables;

  SchemaApplier(ReplicaStore store) {
    this.store = store;
    this.conn = store.writer();
    this.tables = new ReplicaTables(conn);
  }

  /**
   * An empty replica table for {@code spec} with its key and mirrored indexes (none for an unsyncable spec, whose
   * meta rows say why), and the spec recorded with {@code state} and {@code reason} (the unsyncable reason when
   * null).
   */
  void create(TableSpec spec, TableState state, String reason) throws SQLException {
    String name = spec.name().replicaName();
    tables.makeRoom(name, spec.oid());
    exec("DROP TABLE IF EXISTS " + q(name)); // this very table, created before
    if (spec.syncable()) {
      createLayout(name, spec);
    }
    store.recordSpec(spec, state, reason != null ? reason : spec.unsyncableReason());
  }

  /** Drops the replica table recorded as {@code recorded} (found by its oid) and every meta row of it. */
  void drop(TableSpec recorded) throws SQLException {
    Optional<ReplicaTables.Located> at = tables.locate(recorded);
    if (at.isEmpty()) {
      log.debug("table {} is not in the replica; nothing to drop", recorded.name());
      return;
    }
    tables.drop(at.get().name());
  }

  /**
   * Brings the replica table recorded as {@code from} to {@code to}, the same upstream table (same oid) after a
   * DDL. {@code missingValues}: per column name of {@code to}, the text form of the value rows that existed before
   * an added column take (its non-volatile default, pg_attribute.attmissingval); only added columns use it.
   */
  Outcome alter(TableSpec from, TableSpec to, Map<String, String> missingValues) throws SQLException {
    if (from.oid() != to.oid()) {
      throw new IllegalArgumentException("not the same upstream table: " + from.name() + " (oid " + from.oid()
          + ") and " + to.name() + " (oid " + to.oid() + ")");
    }
    ReplicaTables.Located at = tables.locate(from).orElse(null);
    String name = to.name().replicaName();
    if (at == null) {
      log.warn("table {} is not in the replica; it is created again", from.name());
      String why = to.syncable() ? "table " + to.name() + " was missing from the replica: copied again" : null;
      create(to, to.syncable() ? TableState.RESYNCING : TableState.UNSYNCABLE, why);
      return new Outcome(true, true, true, why);
    }
    if (from.equals(to) && at.name().equals(name)) {
      return Outcome.UNCHANGED;
    }
    if (!at.name().equals(name)) {
      tables.makeRoom(name, to.oid());
      tables.move(at.name(), name);
    }
    boolean changed = !from.equals(to);
    if (!to.syncable()) {
      exec("DROP TABLE IF EXISTS " + q(name));
      store.recordSpec(to, TableState.UNSYNCABLE, to.unsyncableReason());
      return new Outcome(changed, false, from.syncable(), null);
    }
    if (!from.syncable() || !tables.exists(name)) {
      String why = from.syncable() ? "table " + to.name() + " was missing from the replica: copied again"
          : "table " + to.name() + " gained a usable key (" + to.keySource() + "): copied again";
      exec("DROP TABLE IF EXISTS " + q(name));
      createLayout(name, to);
      store.recordSpec(to, TableState.RESYNCING, why);
      return new Outcome(true, true, true, why);
    }
    ColumnMatch m = new ColumnMatch(from, to);
    List<String> oldKey = from.keyColumns().stream().map(m::newName).collect(Collectors.toList());
    boolean keyChanged = !oldKey.equals(to.keyColumns());
    boolean storageChanged = m.kept.stream()
        .anyMatch(p -> p.from().type().storageClass() != p.to().type().storageClass());
    boolean rebuild = keyChanged || storageChanged
        || !Objects.equals(m.newName(ReplicaStore.rowidKey(from)), ReplicaStore.rowidKey(to));
    String resync = m.kept.stream().map(p -> TypeChanges.whyValuesChange(p.from(), p.to()))
        .filter(Objects::nonNull).findFirst().map(w -> "table " + to.name() + ": " + w + ": copied again")
        .orElse(null);
    String failed = rebuild ? rebuild(name, to, m, missingValues) : alterInPlace(name, to, m, missingValues);
    store.recordSpec(to, at.state(), at.reason());
    return new Outcome(changed, rebuild, keyChanged, resync != null ? resync : failed);
  }

  /** Drops, renames and adds columns with ALTER TABLE; returns why the rows must be copied again, or null. */
  private String alterInPlace(String name, TableSpec to, ColumnMatch m, Map<String, String> missingValues)
      throws SQLException {
    if (!m.dropped.isEmpty()) {
      // SQLite refuses to drop an indexed column; syncMirrored below creates what is still wanted.
      ReplicaIndexes.dropCovering(conn, name, m.dropped.stream().map(ColumnSpec::name).collect(Collectors.toSet()));
      for (ColumnSpec d : m.dropped) {
        exec("ALTER TABLE " + q(name) + " DROP COLUMN " + q(d.name()));
      }
    }
    renameColumns(name, m);
    String failed = null;
    for (ColumnSpec a : m.added) {
      exec("ALTER TABLE " + q(name) + " ADD COLUMN " + q(a.name()) + " " + a.type().storageClass().name());
      if (missingValues.containsKey(a.name())) {
        try (PreparedStatement ps = conn.prepareStatement("UPDATE " + q(name) + " SET " + q(a.name()) + " = ?")) {
          ValueBinder.bind(ps, 1, ValueCodec.fromText(a.type(), missingValues.get(a.name())));
          ps.executeUpdate();
        } catch (ValueFormatException e) {
          failed = unreadableMissingValue(to, a, e);
        }
      }
    }
    ReplicaIndexes.ensureKeyIndex(conn, name, to);
    ReplicaIndexes.syncMirrored(conn, to);
    return failed;
  }

  /** Renames kept columns; through temporary names when a new name is still another column's (a swap). */
  private void renameColumns(String name, ColumnMatch m) throws SQLException {
    List<ColumnMatch.Pair> renames = m.kept.stream().filter(p -> !p.from().name().equals(p.to().name()))
        .collect(Collectors.toList());
    Set<String> current = new HashSet<>();
    m.kept.forEach(p -> current.add(p.from().name().toLowerCase(Locale.ROOT))); // SQLite: case-insensitive
    boolean clash = renames.stream().anyMatch(p -> current.contains(p.to().name().toLowerCase(Locale.ROOT))
        && !p.to().name().equalsIgnoreCase(p.from().name()));
    List<String> names = new ArrayList<>();
    for (int i = 0; i < renames.size(); i++) {
      String old = renames.get(i).from().name();
      names.add(clash ? TEMP_PREFIX + i : old);
      if (clash) {
        exec("ALTER TABLE " + q(name) + " RENAME COLUMN " + q(old) + " TO " + q(names.get(i)));
      }
    }
    for (int i = 0; i < renames.size(); i++) {
      exec("ALTER TABLE " + q(name) + " RENAME COLUMN " + q(names.get(i)) + " TO " + q(renames.get(i).to().name()));
    }
  }

  /**
   * Builds the table anew with {@code to}'s layout (the key or a column's storage class changed: SQLite cannot
   * alter either) and copies the rows over; returns why the rows must be copied again, or null.
   */
  private String rebuild(String name, TableSpec to, ColumnMatch m, Map<String, String> missingValues)
      throws SQLException {
    String tmp = TEMP_PREFIX + to.oid();
    exec("DROP TABLE IF EXISTS " + q(tmp));
    ReplicaIndexes.dropAll(conn, name); // the old table goes; this frees its key index's name
    exec(ReplicaStore.createTableSql(tmp, to));
    // The key index before the rows, so that INSERT OR REPLACE keeps one row per key (upstream made them unique).
    ReplicaIndexes.ensureKeyIndex(conn, tmp, to);
    String failed = null;
    List<String> select = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    for (ColumnSpec c : to.columns()) {
      ColumnSpec before = m.before(c);
      if (before != null) {
        select.add(q(before.name()));
        continue;
      }
      select.add("?");
      try {
        params.add(ValueCodec.fromText(c.type(), missingValues.get(c.name())));
      } catch (ValueFormatException e) {
        params.add(null);
        failed = unreadableMissingValue(to, c, e);
      }
    }
    String columns = to.columns().stream().map(c -> q(c.name())).collect(Collectors.joining(", "));
    try (PreparedStatement ps = conn.prepareStatement("INSERT OR REPLACE INTO " + q(tmp) + " (" + columns
        + ") SELECT " + String.join(", ", select) + " FROM " + q(name))) {
      for (int i = 0; i < params.size(); i++) {
        ValueBinder.bind(ps, i + 1, params.get(i));
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      // e.g. a value the new INTEGER PRIMARY KEY refuses: the failed statement rolled back alone
      failed = "table " + to.name() + ": its rows could not be carried over to the new layout (" + e.getMessage()
          + "): copied again";
    }
    exec("DROP TABLE " + q(name));
    exec("ALTER TABLE " + q(tmp) + " RENAME TO " + q(name));
    ReplicaIndexes.syncMirrored(conn, to);
    return failed;
  }

  private static String unreadableMissingValue(TableSpec to, ColumnSpec c, ValueFormatException e) {
    return "table " + to.name() + ": the value existing rows take for the new column " + c.name()
        + " cannot be stored (" + e.getMessage() + "): copied again";
  }

  private void createLayout(String name, TableSpec spec) throws SQLException {
    exec(ReplicaStore.createTableSql(name, spec));
    ReplicaIndexes.ensureKeyIndex(conn, name, spec);
    ReplicaIndexes.syncMirrored(conn, spec);
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(sql);
    }
  }

  private static String q(String ident) {
    return ReplicaStore.q(ident);
  }
}
