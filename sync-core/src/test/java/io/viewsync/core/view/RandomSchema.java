package io.viewsync.core.view;

import io.viewsync.core.TableName;
import io.viewsync.core.ivm.Predicates;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.query.Literal;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random schema of 2–4 related tables for the oracle tests: {@code t0 … t3}, each {@code (id int8 key, p int8,
 * a int8, s text, f float8, b bool)} with small value domains so that correlations ({@code child.p = parent.id},
 * {@code child.id = parent.p}, {@code child.a = parent.a}) and conditions hit often. {@link #randomRow} and
 * {@link #randomLiteral} draw from the same domains; {@link #ddl} creates the tables in Postgres. Immutable apart
 * from the caller's Random; one thread.
 */
public final class RandomSchema {
  public static final int IDS = 14;
  static final String[] TEXTS = {"", "a", "A", "ab", "b", "B", "é", "É", "\uD83D\uDE00", "a%", "a_b"};
  static final double[] REALS = {-2.25, 0.0, 0.5, 1.0, 3.5};
  public static final List<String> COLUMNS = List.of("id", "p", "a", "s", "f", "b");

  private final Map<String, TableSpec> tables;

  private RandomSchema(Map<String, TableSpec> tables) {
    this.tables = tables;
  }

  public static RandomSchema random(Random random) {
    int n = 2 + random.nextInt(3);
    Map<String, TableSpec> tables = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = "t" + i;
      List<ColumnSpec> cols = new ArrayList<>();
      int attnum = 1;
      for (String c : COLUMNS) {
        PgType type = type(c);
        cols.add(new ColumnSpec(c, type, type.name(), c.equals("id"), attnum++, null));
      }
      tables.put(name, new TableSpec(TableName.parse(name), 1000 + i, cols, List.of("id"), "primary key", null));
    }
    return new RandomSchema(tables);
  }

  static PgType type(String column) {
    return switch (column) {
      case "id", "p", "a" -> PgType.INT8;
      case "s" -> PgType.TEXT;
      case "f" -> PgType.FLOAT8;
      case "b" -> PgType.BOOL;
      default -> throw new IllegalArgumentException(column);
    };
  }

  public Map<String, TableSpec> tables() {
    return tables;
  }

  public List<String> names() {
    return List.copyOf(tables.keySet());
  }

  /** CREATE TABLE statements for Postgres. */
  public List<String> ddl() {
    List<String> out = new ArrayList<>();
    for (String t : tables.keySet()) {
      out.add("CREATE TABLE " + t + " (id int8 PRIMARY KEY, p int8, a int8, s text, f float8, b bool)");
    }
    return out;
  }

  /** A random row with key {@code id}, as storage values. */
  public static Row randomRow(Random random, long id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    for (String c : COLUMNS.subList(1, COLUMNS.size())) {
      m.put(c, Predicates.storageValue(randomLiteral(random, c, true)));
    }
    return Row.of(m);
  }

  /** A random value of {@code column}'s domain (NULL sometimes, when allowed). */
  public static Literal randomLiteral(Random random, String column, boolean nullable) {
    if (nullable && random.nextInt(6) == 0) {
      return Literal.Null.INSTANCE;
    }
    return switch (column) {
      case "id", "p" -> new Literal.Int(random.nextInt(IDS));
      case "a" -> new Literal.Int(random.nextInt(5) - 1);
      case "s" -> new Literal.Text(TEXTS[random.nextInt(TEXTS.length)]);
      case "f" -> new Literal.Real(REALS[random.nextInt(REALS.length)]);
      case "b" -> new Literal.Bool(random.nextBoolean());
      default -> throw new IllegalArgumentException(column);
    };
  }
}
