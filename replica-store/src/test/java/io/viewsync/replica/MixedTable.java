package io.viewsync.replica;

import io.viewsync.core.TableName;
import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * A replica table for the source tests, laid out as the replica lays it out, whose values cover the storage classes
 * and their order's corners: {@code m} (bytea, so no affinity) holds anything — integers and reals that compare
 * equal, -0.0, integers beyond 2^53, text above U+FFFF, empty blobs; {@code r} (float8, REAL affinity) numbers and
 * the NaN/Infinity texts; {@code t} (TEXT affinity) text and blobs. Small domains so that ties are common. Random
 * rows, orderings and fetch requests are drawn from these domains, each value of a class its column holds as is.
 */
final class MixedTable {
  private static final String SMILE = new String(Character.toChars(0x1F600));
  static final TableSpec BY_ID = new TableSpec(new TableName("public", "items"), 101,
      List.of(col("id", PgType.INT8, true), col("m", PgType.BYTEA, false), col("r", PgType.FLOAT8, false),
          col("t", PgType.TEXT, false)), List.of("id"), "primary key", null);
  static final TableSpec BY_PAIR = new TableSpec(new TableName("s", "pairs"), 102,
      List.of(col("k", PgType.TEXT, true), col("m", PgType.BYTEA, false), col("n", PgType.INT8, true),
          col("r", PgType.FLOAT8, false), col("t", PgType.TEXT, false)), List.of("k", "n"), "primary key", null);

  private static final List<Object> M = Arrays.asList(null, -2L, 0L, 1L, 3L, 0.5, 1.0, -0.0, 0.0, 2.5,
      (1L << 53) + 1, (double) (1L << 53), Long.MIN_VALUE, Long.MAX_VALUE, "", "a", "B", "é", SMILE, "\uFFFF",
      "\uFF21", new byte[0], new byte[] {0}, new byte[] {(byte) 0xff}, new byte[] {1, 2});
  private static final List<Object> R = Arrays.asList(null, 0.5, 1.0, 2L, -3.25, 1e300, 7L, 2.0, "NaN",
      "Infinity", "-Infinity");
  private static final List<Object> T = Arrays.asList(null, "", "a", "B", "ab", "é", SMILE, "\uFFFF", "\uFF21",
      "z", new byte[] {0}, new byte[] {(byte) 0x80});
  private static final List<Object> K = List.of("a", "B", "é", SMILE, "\uFFFF");

  /** Every value of every domain, once or more. */
  static List<Object> allValues() {
    List<Object> out = new ArrayList<>(M);
    out.addAll(R);
    out.addAll(T);
    out.addAll(K);
    return out;
  }

  final TableSpec spec;
  final List<String> columns;
  private final Random random;
  private final int keys;

  /** {@code keys}: about how many distinct keys random rows use. */
  MixedTable(TableSpec spec, Random random, int keys) {
    this.spec = spec;
    this.columns = spec.columns().stream().map(ColumnSpec::name).toList();
    this.random = random;
    this.keys = keys;
  }

  private static ColumnSpec col(String name, PgType type, boolean notNull) {
    return new ColumnSpec(name, type, type.name(), notNull);
  }

  String table() {
    return spec.name().replicaName();
  }

  /** A random value of {@code column}'s domain, NULL included except for key columns. */
  Object value(String column) {
    return switch (column) {
      case "id" -> (long) random.nextInt(keys);
      case "n" -> (long) random.nextInt(Math.max(1, keys / K.size()));
      case "k" -> pick(K);
      case "m" -> pick(M);
      case "r" -> pick(R);
      case "t" -> pick(T);
      default -> throw new IllegalArgumentException(column);
    };
  }

  private Object pick(List<Object> domain) {
    Object v = domain.get(random.nextInt(domain.size()));
    return v instanceof byte[] b ? b.clone() : v;
  }

  /** A random row, its values as the replica stores them. */
  Row row() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String c : columns) {
      m.put(c, value(c));
    }
    return stored(Row.of(m));
  }

  /** {@code row} as SQLite stores it: REAL affinity turns an integer into a real. */
  static Row stored(Row row) {
    return row.has("r") && row.get("r") instanceof Long l ? row.with("r", l.doubleValue()) : row;
  }

  /** 0 to 3 random parts, mixed directions, then the key: over nullable and key columns alike. */
  Ordering ordering() {
    List<String> candidates = new ArrayList<>(columns);
    Collections.shuffle(candidates, random);
    List<Ordering.Part> parts = new ArrayList<>();
    for (String c : candidates.subList(0, random.nextInt(4))) {
      parts.add(random.nextBoolean() ? Ordering.asc(c) : Ordering.desc(c));
    }
    return Ordering.of(parts, spec.keyColumns());
  }

  /** A random request: constraint values and starts from {@code rows} or the domains, NULLs and missing rows too. */
  FetchRequest request(List<Row> rows) {
    Row constraint = Row.EMPTY;
    List<String> candidates = new ArrayList<>(columns);
    Collections.shuffle(candidates, random);
    for (String c : candidates.subList(0, random.nextInt(3))) {
      constraint = constraint.with(c, !rows.isEmpty() && random.nextBoolean()
          ? rows.get(random.nextInt(rows.size())).get(c) : value(c));
    }
    FetchRequest.Start start = null;
    if (random.nextInt(10) >= 3) {
      Row s = !rows.isEmpty() && random.nextBoolean() ? rows.get(random.nextInt(rows.size())) : row();
      if (random.nextInt(4) == 0) {
        s = s.with(columns.get(random.nextInt(columns.size())), null); // a start with a NULL where none can be
      }
      start = new FetchRequest.Start(s, random.nextBoolean() ? FetchRequest.Basis.AT : FetchRequest.Basis.AFTER);
    }
    return new FetchRequest(constraint, start, random.nextBoolean());
  }

  /** Creates the table with its key index, as the replica does, in the writer's transaction. */
  static void create(ReplicaStore store, TableSpec spec) throws SQLException {
    store.createTable(spec, TableState.SYNCING);
    store.createKeyIndex(spec);
    store.commit();
  }

  /** Inserts or replaces {@code row} on the writer connection (not committed). */
  void upsert(Connection writer, Row row) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO " + ReplicaStore.q(table()) + " ("
        + columns.stream().map(ReplicaStore::q).collect(Collectors.joining(", ")) + ") VALUES ("
        + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")")) {
      for (int i = 0; i < columns.size(); i++) {
        ValueBinder.bind(ps, i + 1, row.get(columns.get(i)));
      }
      ps.executeUpdate();
    }
  }

  /** Deletes the row with {@code row}'s key on the writer connection (not committed). */
  void delete(Connection writer, Row row) throws SQLException {
    List<String> key = spec.keyColumns();
    try (PreparedStatement ps = writer.prepareStatement("DELETE FROM " + ReplicaStore.q(table()) + " WHERE "
        + key.stream().map(c -> ReplicaStore.q(c) + " IS ?").collect(Collectors.joining(" AND ")))) {
      for (int i = 0; i < key.size(); i++) {
        ValueBinder.bind(ps, i + 1, row.get(key.get(i)));
      }
      ps.executeUpdate();
    }
  }

  /** Every row of the table as {@code c} sees it, read independently of the source under test. */
  List<Row> read(Connection c) throws SQLException {
    List<Row> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT "
        + columns.stream().map(ReplicaStore::q).collect(Collectors.joining(", ")) + " FROM " + ReplicaStore.q(table()))) {
      while (rs.next()) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
          Object v = rs.getObject(i + 1);
          m.put(columns.get(i), v instanceof Integer n ? Long.valueOf(n) : v);
        }
        out.add(Row.of(m));
      }
    }
    return out;
  }
}
