package io.viewsync.replica;

import io.viewsync.core.ivm.Ordering;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Indexes made on demand so that a {@link ReplicaSource} fetch seeks instead of scanning or sorting: before a
 * pipeline reads a table with a constraint and an ordering, {@link #ensure} checks that some index (or the rowid)
 * starts with the constraint columns and then the ordering's columns in their directions (or all reversed), and
 * creates one if none does, named {@code _viewsync_q_<hash>} and recorded in {@code _viewsync_query_indexes}.
 *
 * <p>{@link ReplicaIndexes#syncMirrored} leaves these indexes alone; dropping a column they cover or rebuilding the
 * table drops them (and their records); a table dropped, renamed or swapped by a resync takes them along, and the
 * records are brought in line with SQLite the next time {@link #ensure} creates one. An index created here is used
 * by read snapshots taken after {@link #ensure} returns, not by one already open (its transaction sees the schema
 * as it was).
 *
 * <p>Creating an index writes: it runs on a side connection of its own under the replica's write gate, so the
 * replication stream waits for it (the whole CREATE INDEX: about as long as reading the table once). The check
 * that nothing needs creating takes no lock.
 *
 * <p>Single-threaded: the pipeline's thread. {@link #close} closes the side connection.
 */
public final class QueryIndexes implements AutoCloseable {
  /** The name prefix of the indexes made here. */
  public static final String PREFIX = "_viewsync_q_";
  static final String TABLE = "_viewsync_query_indexes";

  private final ReplicaStore store;
  private Connection side;

  public QueryIndexes(ReplicaStore store) {
    this.store = store;
  }

  /**
   * The columns an index needs for fetches with equality on {@code constraint} in {@code ordering}: the constraint
   * columns ascending, then the ordering's parts over other columns.
   */
  public static List<Ordering.Part> columnsFor(Collection<String> constraint, Ordering ordering) {
    List<Ordering.Part> out = new ArrayList<>();
    constraint.forEach(c -> out.add(Ordering.asc(c)));
    out.addAll(ordering.parts());
    return distinct(out);
  }

  /** {@link #ensure(String, List)} for {@link #columnsFor columnsFor(constraint, ordering)}. */
  public Optional<String> ensure(String table, Collection<String> constraint, Ordering ordering) throws SQLException {
    return ensure(table, columnsFor(constraint, ordering));
  }

  /**
   * Makes sure {@code table} (a replica name) can be read in the order of {@code columns} from an index: does
   * nothing when an index or the rowid already starts with these columns in these directions (or all of them
   * reversed), else creates one. A column listed twice counts once, where it first appears.
   *
   * @return the name of the index created, empty when one served already
   */
  public Optional<String> ensure(String table, List<Ordering.Part> columns) throws SQLException {
    List<Ordering.Part> wanted = distinct(columns);
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException("an index needs at least one column");
    }
    Connection c = side();
    try {
      if (served(c, table, wanted)) {
        return Optional.empty();
      }
    } finally {
      c.rollback(); // ends the read: an idle connection must not hold the WAL back
    }
    ReentrantLock gate = store.writeGate();
    gate.lock();
    try {
      if (served(c, table, wanted)) { // made meanwhile (another QueryIndexes)
        c.rollback();
        return Optional.empty();
      }
      String columnList = columnList(wanted);
      String name = freeName(c, PREFIX + shortHash(table + '\0' + columnList));
      try (Statement s = c.createStatement()) {
        s.execute("CREATE INDEX " + ReplicaStore.q(name) + " ON " + ReplicaStore.q(table) + " (" + columnList + ")");
      }
      reconcile(c);
      try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO " + TABLE
          + " (name, table_name, columns, created_at) VALUES (?, ?, ?, ?)")) {
        ps.setString(1, name);
        ps.setString(2, table);
        ps.setString(3, columnList);
        ps.setString(4, Instant.now().toString());
        ps.executeUpdate();
      }
      c.commit();
      return Optional.of(name);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      gate.unlock();
    }
  }

  /** Removes the record of a query index just dropped, in the caller's transaction ({@link ReplicaIndexes}). */
  static void forget(Connection c, String index) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE name = ?")) {
      ps.setString(1, index);
      ps.executeUpdate();
    }
  }

  private static boolean served(Connection c, String table, List<Ordering.Part> wanted) throws SQLException {
    for (List<Ordering.Part> order : ReplicaIndexes.orders(c, table)) {
      if (serves(order, wanted)) {
        return true;
      }
    }
    return false;
  }

  /** Whether reading in {@code order} (or its exact reverse) yields rows in {@code wanted} order. */
  static boolean serves(List<Ordering.Part> order, List<Ordering.Part> wanted) {
    if (order.size() < wanted.size()) {
      return false;
    }
    boolean same = true;
    boolean reversed = true;
    for (int i = 0; i < wanted.size(); i++) {
      if (!order.get(i).column().equals(wanted.get(i).column())) {
        return false;
      }
      if (order.get(i).direction() == wanted.get(i).direction()) {
        reversed = false;
      } else {
        same = false;
      }
    }
    return same || reversed;
  }

  /**
   * Brings the records in line with SQLite: a recorded index that no longer exists (its table was dropped or
   * replaced) loses its record; one whose table was renamed, or a column of it, gets the new names.
   */
  private static void reconcile(Connection c) throws SQLException {
    List<String> recorded = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM " + TABLE)) {
      while (rs.next()) {
        recorded.add(rs.getString(1));
      }
    }
    for (String name : recorded) {
      String table = null;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            table = rs.getString(1);
          }
        }
      }
      if (table == null) {
        forget(c, name);
        continue;
      }
      List<Ordering.Part> parts = new ArrayList<>();
      for (ReplicaIndexes.IndexColumn col : ReplicaIndexes.keyColumns(c, name)) {
        parts.add(new Ordering.Part(col.name(), col.direction()));
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET table_name = ?, columns = ?"
          + " WHERE name = ?")) {
        ps.setString(1, table);
        ps.setString(2, columnList(parts));
        ps.setString(3, name);
        ps.executeUpdate();
      }
    }
  }

  /** {@code base}, or with a suffix while another table's index holds it (one renamed along with its table). */
  private static String freeName(Connection c, String base) throws SQLException {
    String name = base;
    for (int n = 2; ReplicaIndexes.nameTaken(c, name); n++) {
      name = base + "_" + n;
    }
    return name;
  }

  private static List<Ordering.Part> distinct(List<Ordering.Part> parts) {
    Set<String> seen = new HashSet<>();
    return parts.stream().filter(p -> seen.add(p.column())).toList();
  }

  private static String columnList(List<Ordering.Part> parts) {
    return parts.stream()
        .map(p -> ReplicaStore.q(p.column()) + (p.direction() == Ordering.Direction.DESC ? " DESC" : ""))
        .collect(Collectors.joining(", "));
  }

  private static String shortHash(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required algorithm", e);
    }
  }

  private Connection side() throws SQLException {
    if (side == null) {
      side = store.openSideWriter();
    }
    return side;
  }

  @Override
  public void close() throws SQLException {
    if (side != null) {
      try {
        side.rollback();
      } finally {
        side.close();
        side = null;
      }
    }
  }
}
