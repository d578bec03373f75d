package io.viewsync.replica;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The correctness oracle for the replica: reads an upstream table with Postgres computing (or pgjdbc decoding)
 * the value the replica must store, independently of viewsync's own decoders, and compares it row for row
 * and value for value with the replica table.
 *
 * <p>Expected values: bool → 0/1; integers → long; float4/8 → double, NaN/±Infinity as text; bytea → bytes;
 * timestamp(tz) → microseconds from Postgres' own extract(epoch); arrays → pgjdbc's element values
 * (integers and booleans as JSON numbers/booleans, everything else Postgres' element text); everything
 * else → Postgres' own output form. Used from one test thread.
 */
public final class ReplicaOracle {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReplicaOracle() {}

  /** Differences between the upstream table and its replica, at most {@code limit}; empty when equal. */
  public static List<String> diff(Connection upstream, Path replicaDir, String schema, String table, int limit)
      throws SQLException {
    List<String[]> cols = columns(upstream, schema, table);
    List<String> key = key(upstream, schema, table);
    StringBuilder select = new StringBuilder();
    for (String[] c : cols) {
      if (select.length() > 0) {
        select.append(", ");
      }
      select.append(expected(q(c[0]), c[1], c[2]));
    }
    String order = String.join(", ", key.stream().map(ReplicaOracle::q).toList());
    TreeMap<String, List<Object>> up = new TreeMap<>();
    try (Statement s = upstream.createStatement();
         ResultSet rs = s.executeQuery("SELECT " + select + " FROM " + q(schema) + "." + q(table))) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
          row.add(upstreamValue(rs, i + 1, cols.get(i)));
        }
        up.put(keyOf(row, cols, key), row);
      }
    }
    String replicaName = "public".equals(schema) ? table : schema + "." + table;
    TreeMap<String, List<Object>> rep = new TreeMap<>();
    try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + replicaDir.resolve("replica.db") + "?open_mode=1")) {
      List<String> replicaColumns = new ArrayList<>();
      try (Statement s = r.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + q(replicaName) + ")")) {
        while (rs.next()) {
          replicaColumns.add(rs.getString("name"));
        }
      }
      List<String> upstreamColumns = cols.stream().map(c -> c[0]).sorted().toList();
      if (!replicaColumns.stream().sorted().toList().equals(upstreamColumns)) {
        return List.of(table + ": replica columns " + replicaColumns + ", upstream " + upstreamColumns);
      }
    }
    try (Connection r = DriverManager.getConnection("jdbc:sqlite:" + replicaDir.resolve("replica.db") + "?open_mode=1");
         Statement s = r.createStatement();
         ResultSet rs = s.executeQuery("SELECT " + String.join(", ", cols.stream().map(c -> q(c[0])).toList())
             + " FROM " + q(replicaName) + " ORDER BY " + order)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 0; i < cols.size(); i++) {
          Object v = rs.getObject(i + 1);
          if (v instanceof Integer n) {
            v = n.longValue();
          }
          if ("A".equals(cols.get(i)[2]) && v instanceof String json) {
            try {
              v = JSON.readTree(json);
            } catch (Exception e) {
              v = "unparseable JSON: " + json;
            }
          }
          row.add(v);
        }
        String k = keyOf(row, cols, key);
        if (rep.put(k, row) != null) {
          return List.of("the replica has key " + k + " twice");
        }
      }
    }
    List<String> diffs = new ArrayList<>();
    for (var e : up.entrySet()) {
      List<Object> r = rep.get(e.getKey());
      if (r == null) {
        diffs.add(table + ": missing row " + e.getKey());
      } else {
        for (int i = 0; i < cols.size(); i++) {
          if (!same(e.getValue().get(i), r.get(i))) {
            diffs.add(table + " " + e.getKey() + "." + cols.get(i)[0] + " (" + cols.get(i)[1] + "): upstream "
                + show(e.getValue().get(i)) + ", replica " + show(r.get(i)));
          }
        }
      }
      if (diffs.size() >= limit) {
        return diffs;
      }
    }
    for (String k : rep.keySet()) {
      if (!up.containsKey(k)) {
        diffs.add(table + ": extra row " + k);
        if (diffs.size() >= limit) {
          break;
        }
      }
    }
    return diffs;
  }

  /** Polls until {@code condition} holds or the deadline passes; returns whether it held. */
  public static boolean await(long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
    long end = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(200);
    }
    return condition.getAsBoolean();
  }

  private static String expected(String col, String type, String category) {
    return switch (type) {
      // bpchar: its output form keeps the padding, which a cast to text would strip.
      case "bool", "int2", "int4", "int8", "float4", "float8", "bytea", "bpchar" -> col;
      case "timestamp", "timestamptz" -> "CASE WHEN " + col + " IS NULL THEN NULL WHEN isfinite(" + col
          + ") THEN (extract(epoch from " + col + ") * 1000000)::int8 WHEN " + col
          + " > '2000-01-01' THEN 9223372036854775807 ELSE -9223372036854775808 END";
      // Arrays: integer and boolean elements as pgjdbc decodes them, every other element as Postgres' text.
      case "_int2", "_int4", "_int8", "_bool" -> col;
      // Everything else: Postgres' output form, as pgjdbc's text protocol hands it over (a cast to text can
      // differ from it, e.g. inet keeps its mask).
      default -> "A".equals(category) ? col + "::text[]" : col;
    };
  }

  private static Object upstreamValue(ResultSet rs, int i, String[] col) throws SQLException {
    Object v = switch (col[1]) {
      case "bool" -> rs.getObject(i) == null ? null : (rs.getBoolean(i) ? 1L : 0L);
      case "int2", "int4", "int8", "timestamp", "timestamptz" -> rs.getObject(i) == null ? null : rs.getLong(i);
      case "float4" -> rs.getObject(i) == null ? null : floatValue(rs.getFloat(i));
      case "float8" -> rs.getObject(i) == null ? null : floatValue(rs.getDouble(i));
      case "bytea" -> rs.getBytes(i);
      default -> "A".equals(col[2]) ? arrayJson(rs.getArray(i)) : rs.getString(i);
    };
    return v;
  }

  private static Object floatValue(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return d;
  }

  private static JsonNode arrayJson(Array a) throws SQLException {
    if (a == null) {
      return null;
    }
    return JSON.valueToTree(arrayElements((Object[]) a.getArray()));
  }

  private static List<Object> arrayElements(Object[] elements) {
    List<Object> out = new ArrayList<>();
    for (Object e : elements) {
      if (e == null || e instanceof Boolean) {
        out.add(e);
      } else if (e instanceof Short || e instanceof Integer || e instanceof Long) {
        out.add(((Number) e).longValue());
      } else if (e instanceof Object[] nested) {
        out.add(arrayElements(nested));
      } else {
        out.add(e.toString());
      }
    }
    return out;
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    if (a instanceof Double x && b instanceof Double y) {
      return x.doubleValue() == y.doubleValue() || x.equals(y);
    }
    if (a instanceof JsonNode x && b instanceof JsonNode y) {
      return x.toString().equals(y.toString()); // IntNode(1) and LongNode(1) are the same JSON

    }
    return Objects.equals(a, b);
  }

  private static String show(Object v) {
    if (v instanceof byte[] b) {
      return "bytes" + Arrays.toString(b);
    }
    return v == null ? "NULL" : v + " (" + v.getClass().getSimpleName() + ")";
  }

  private static String keyOf(List<Object> row, List<String[]> cols, List<String> key) {
    StringBuilder sb = new StringBuilder("[");
    for (String k : key) {
      for (int i = 0; i < cols.size(); i++) {
        if (cols.get(i)[0].equals(k)) {
          sb.append(show(row.get(i))).append(';');
        }
      }
    }
    return sb.append(']').toString();
  }

  /** {name, type name (domains resolved), category}. */
  private static List<String[]> columns(Connection c, String schema, String table) throws SQLException {
    List<String[]> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT a.attname,"
        + " coalesce(bt.typname, t.typname), coalesce(bt.typcategory, t.typcategory)"
        + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type bt ON t.typtype = 'd'"
        + " AND bt.oid = t.typbasetype WHERE a.attrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass"
        + " AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
      }
    }
    return out;
  }

  private static List<String> key(Connection c, String schema, String table) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
        + " ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) WHERE i.indrelid ="
        + " (quote_ident(?) || '.' || quote_ident(?))::regclass AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("the oracle compares tables with a primary key: " + table);
    }
    return out;
  }

  private static String q(String ident) {
    return "\"" + ident.replace("\"", "\"\"") + "\"";
  }
}
