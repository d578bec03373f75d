package io.viewsync.core.ivm;

import io.viewsync.core.TableName;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Correlation;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.Related;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import io.viewsync.core.value.ValueCodec;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A query translated into Postgres SQL, to check viewsync's meaning of the AST (docs/queries.md) against
 * Postgres itself on the upstream tables, and {@link #evaluate} to run it into {@link ResultNode}s comparable
 * with {@link NaiveEvaluator}'s.
 *
 * <p>The translation spells out every rule rather than relying on Postgres defaults:
 * <ul>
 *   <li>Each column is compared as the replica stores it: text columns ({@code text}, {@code varchar},
 *       {@code name}) under {@code COLLATE "C"} (UTF-8 byte order); other types the replica stores as text
 *       (numeric, date, uuid, json …) as their {@code ::text} under {@code COLLATE "C"}, so {@code 10 < 9} for
 *       a numeric as in the replica; timestamps as int8 microseconds since the epoch; bool, integers, floats,
 *       bytea natively. Arrays (stored as JSON text) and {@code bpchar} (whose {@code ::text} drops the padding
 *       the replica keeps) cannot be compared this way: a query that compares, orders or correlates them is
 *       refused with {@link IllegalArgumentException}; selecting them is fine.
 *   <li>Literals are inlined typed: {@code CAST('5' AS int8)}, reals as their exact decimal expansion
 *       ({@code CAST('1.5' AS float8)}, so the double Postgres reads is the literal's), bools as
 *       {@code TRUE}/{@code FALSE}, strings as {@code E'…'} with {@code \} and {@code '} escaped.
 *   <li>{@code IN []} is {@code FALSE}, {@code NOT IN []} {@code TRUE} (Postgres has no empty lists);
 *       {@code IS}/{@code IS NOT} are {@code IS [NOT] DISTINCT FROM} (or {@code IS [NOT] NULL}).
 *   <li>{@code LIKE} uses Postgres' default escape, {@code \}, as viewsync does. {@code ILIKE} runs under
 *       {@code COLLATE "C"}, where it folds ASCII letters only: in a multi-byte (UTF-8) database Postgres
 *       evaluates ILIKE as {@code lower(text) LIKE lower(pattern)} with the expression's collation
 *       ({@code Generic_Text_IC_like} in src/backend/utils/adt/like.c), and {@code lower()} under a C/POSIX
 *       collation is {@code asc_tolower}, which maps only A–Z ({@code str_tolower} in
 *       src/backend/utils/adt/formatting.c: "C/POSIX collations use this path regardless of database
 *       encoding"). PgOracleSqlIT checks this on the server it runs against.
 *   <li>Orders are {@code ASC NULLS FIRST} / {@code DESC NULLS LAST}; the query's order must already end with
 *       the key (normalize first).
 *   <li>{@code start} is the lexicographic comparison spelled out as an OR chain over the order's terms, with
 *       {@code IS NOT DISTINCT FROM} for the equal prefixes and each term's direction and NULL placement for the
 *       strict step.
 *   <li>{@code exists} is {@code EXISTS (SELECT 1 FROM (SELECT … ORDER BY … LIMIT n) s)} correlated through
 *       table aliases ({@code t0}, {@code t1} …); without a limit the inner order is left out.
 *   <li>A related subquery is its own statement with one {@code ?} per correlation pair ({@link #selectRelated}),
 *       run once per parent row with the parent's values.
 * </ul>
 *
 * <p>Immutable (the schema map is copied); its methods are safe from any thread. {@link #evaluate} uses the
 * caller's connection, which must not be shared with another thread during the call.
 */
public final class PgOracleSql {
  private final Map<String, TableSpec> schema;

  /** @param schema the tables by replica name, with their columns' Postgres types and keys */
  public PgOracleSql(Map<String, TableSpec> schema) {
    this.schema = Map.copyOf(schema);
  }

  /** The top-level query's rows: every column of its table, as {@code ::text} (but bpchar as is), in order. */
  public String select(Query normalizedQuery) {
    return new Builder().select(normalizedQuery, null, null);
  }

  /**
   * The rows of {@code related} for one parent row of {@code parentTable}: the same as {@link #select} with
   * {@code child[i] = ?} for each correlation pair, the i-th parameter being the parent's {@code parent[i]} value
   * ({@link #bind} binds a storage value).
   */
  public String selectRelated(String parentTable, Related related) {
    return new Builder().select(related.query(), related.correlation(), table(parentTable));
  }

  /**
   * Runs {@code normalizedQuery} (and, per parent row, each related subquery, recursively) on {@code pg} and
   * returns its result with values converted to storage values as the replica stores them
   * ({@link ValueCodec#fromText} of each column's text form). {@code pg} should be a pgjdbc connection with its
   * default session settings (DateStyle ISO, extra_float_digits 3) and a UTF-8 database.
   */
  public static List<ResultNode> evaluate(Connection pg, Query normalizedQuery, Map<String, TableSpec> schema)
      throws SQLException {
    PgOracleSql oracle = new PgOracleSql(schema);
    Map<String, PreparedStatement> prepared = new HashMap<>(); // related statements by SQL, reused per parent
    try (PreparedStatement ps = pg.prepareStatement(oracle.select(normalizedQuery))) {
      return oracle.nodes(pg, normalizedQuery, ps, prepared);
    } finally {
      for (PreparedStatement p : prepared.values()) {
        p.close();
      }
    }
  }

  private List<ResultNode> nodes(Connection pg, Query query, PreparedStatement ps,
      Map<String, PreparedStatement> prepared) throws SQLException {
    TableSpec spec = table(query.table());
    List<Row> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < spec.columns().size(); i++) {
          ColumnSpec column = spec.columns().get(i);
          values.put(column.name(), ValueCodec.fromText(column.type(), rs.getString(i + 1)));
        }
        rows.add(Row.of(values));
      }
    }
    List<ResultNode> nodes = new ArrayList<>();
    for (Row row : rows) {
      Map<String, List<ResultNode>> related = new LinkedHashMap<>();
      for (Related r : query.related()) {
        related.put(r.name(), relatedNodes(pg, spec, row, r, prepared));
      }
      nodes.add(new ResultNode(query.table(), row.select(spec.keyColumns()), row, related));
    }
    return nodes;
  }

  private List<ResultNode> relatedNodes(Connection pg, TableSpec parent, Row row, Related r,
      Map<String, PreparedStatement> prepared) throws SQLException {
    List<String> parentColumns = r.correlation().parent();
    for (String c : parentColumns) {
      if (row.get(c) == null) {
        return List.of(); // SQL equality: a NULL correlates with nothing
      }
    }
    String sql = selectRelated(parent.name().replicaName(), r);
    PreparedStatement ps = prepared.get(sql);
    if (ps == null) {
      ps = pg.prepareStatement(sql);
      prepared.put(sql, ps);
    }
    for (int i = 0; i < parentColumns.size(); i++) {
      ColumnSpec column = column(parent, parentColumns.get(i));
      bind(ps, i + 1, kind(column), row.get(column.name()));
    }
    return nodes(pg, r.query(), ps, prepared);
  }

  /**
   * Binds a storage value of a column of kind {@code kind} to the parameter that
   * {@link #selectRelated} casts to that kind's SQL type.
   */
  private static void bind(PreparedStatement ps, int index, Kind kind, Object value) throws SQLException {
    switch (kind) {
      case BOOL -> ps.setBoolean(index, ((Long) value) != 0);
      case INTEGER, TIMESTAMP -> ps.setLong(index, (Long) value);
      // float columns hold NaN and ±Infinity as text: Java parses Postgres' spellings of them
      case REAL -> ps.setDouble(index, value instanceof String s ? Double.parseDouble(s) : (Double) value);
      case TEXT, TEXT_CAST -> ps.setString(index, (String) value);
      case BLOB -> ps.setBytes(index, (byte[]) value);
      default -> throw new IllegalArgumentException("cannot correlate a column of kind " + kind);
    }
  }

  /** How a column compares: which SQL expression stands for its stored value. */
  enum Kind {
    /** bool: natively. */
    BOOL,
    /** int2, int4, int8, oid: natively. */
    INTEGER,
    /** timestamp, timestamptz: int8 microseconds since the epoch (infinities as the int8 extremes). */
    TIMESTAMP,
    /** float4, float8: natively. */
    REAL,
    /** text, varchar, name: under COLLATE "C". */
    TEXT,
    /** Other types stored as text: their ::text under COLLATE "C". */
    TEXT_CAST,
    /** bytea: natively (bytewise, unsigned). */
    BLOB,
    /** Arrays and bpchar: cannot be compared as the replica compares them. */
    UNSUPPORTED
  }

  static Kind kind(ColumnSpec column) {
    PgType type = column.type();
    int oid = type.oid();
    if (type.isArray() || oid == PgType.BPCHAR.oid()) {
      return Kind.UNSUPPORTED;
    }
    if (oid == PgType.BOOL.oid()) {
      return Kind.BOOL;
    }
    if (oid == PgType.TIMESTAMP.oid() || oid == PgType.TIMESTAMPTZ.oid()) {
      return Kind.TIMESTAMP;
    }
    return switch (type.storageClass()) {
      case INTEGER -> Kind.INTEGER;
      case REAL -> Kind.REAL;
      case BLOB -> Kind.BLOB;
      case TEXT -> oid == PgType.TEXT.oid() || oid == PgType.VARCHAR.oid() || oid == PgType.NAME.oid()
          ? Kind.TEXT : Kind.TEXT_CAST;
    };
  }

  private TableSpec table(String name) {
    TableSpec spec = schema.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("no table " + name + " in the schema");
    }
    return spec;
  }

  private static ColumnSpec column(TableSpec table, String name) {
    return table.column(name).orElseThrow(() -> new IllegalArgumentException("no column " + name + " in "
        + table.name().replicaName()));
  }

  /** One statement: hands out table aliases. */
  private final class Builder {
    private int aliases;

    /**
     * SELECT of every column of {@code query}'s table, filtered by {@code correlation} (child columns against
     * parameters typed as {@code parent}'s columns) when it is not null.
     */
    String select(Query query, Correlation correlation, TableSpec parent) {
      TableSpec spec = table(query.table());
      String a = alias();
      List<String> columns = new ArrayList<>();
      for (ColumnSpec c : spec.columns()) {
        // ::text gives the text form the replica's initial copy reads (immune to pgjdbc's binary transfer);
        // bpchar's ::text would drop its padding, and pgjdbc never reads it in binary.
        columns.add(c.type().oid() == PgType.BPCHAR.oid() ? ref(a, c.name()) : ref(a, c.name()) + "::text");
      }
      List<String> where = new ArrayList<>();
      if (correlation != null) {
        for (int i = 0; i < correlation.child().size(); i++) {
          ColumnSpec child = column(spec, correlation.child().get(i));
          Kind parentKind = kind(column(parent, correlation.parent().get(i)));
          where.add(expr(a, child) + " = " + parameter(parentKind));
        }
      }
      return "SELECT " + String.join(", ", columns) + " FROM " + body(query, spec, a, where, true);
    }

    /** {@code <table> AS a WHERE … ORDER BY … LIMIT n}; {@code where} holds conditions already made. */
    private String body(Query query, TableSpec spec, String a, List<String> where, boolean ordered) {
      where = new ArrayList<>(where);
      if (query.where() != null) {
        where.add(condition(query.where(), spec, a));
      }
      if (query.start() != null) {
        where.add(start(query, spec, a));
      }
      StringBuilder sql = new StringBuilder(qualified(spec)).append(" AS ").append(a);
      if (!where.isEmpty()) {
        sql.append(" WHERE ").append(String.join(" AND ", where.stream().map(w -> "(" + w + ")").toList()));
      }
      if (ordered) {
        checkCompleted(query, spec);
        List<String> terms = new ArrayList<>();
        for (Ordering o : query.orderBy()) {
          terms.add(expr(a, column(spec, o.column()))
              + (o.direction() == Ordering.Direction.ASC ? " ASC NULLS FIRST" : " DESC NULLS LAST"));
        }
        sql.append(" ORDER BY ").append(String.join(", ", terms));
      }
      if (query.limit() != null) {
        sql.append(" LIMIT ").append(query.limit());
      }
      return sql.toString();
    }

    private String condition(Condition condition, TableSpec spec, String a) {
      if (condition instanceof Condition.Compare c) {
        return compare(c, column(spec, c.column()), a);
      } else if (condition instanceof Condition.And and) {
        return and.conditions().isEmpty() ? "TRUE"
            : String.join(" AND ", and.conditions().stream().map(x -> "(" + condition(x, spec, a) + ")").toList());
      } else if (condition instanceof Condition.Or or) {
        return or.conditions().isEmpty() ? "FALSE"
            : String.join(" OR ", or.conditions().stream().map(x -> "(" + condition(x, spec, a) + ")").toList());
      } else if (condition instanceof Condition.Not not) {
        return "NOT (" + condition(not.condition(), spec, a) + ")";
      } else if (condition instanceof Condition.Exists e) {
        return exists(e, spec, a);
      }
      throw new IllegalStateException("unknown condition " + condition);
    }

    private String compare(Condition.Compare c, ColumnSpec column, String a) {
      String x = expr(a, column);
      Literal v = c.value();
      return switch (c.op()) {
        case EQ -> x + " = " + literal(v, column);
        case NE -> x + " <> " + literal(v, column);
        case LT -> x + " < " + literal(v, column);
        case LE -> x + " <= " + literal(v, column);
        case GT -> x + " > " + literal(v, column);
        case GE -> x + " >= " + literal(v, column);
        case IS -> v instanceof Literal.Null ? x + " IS NULL" : x + " IS NOT DISTINCT FROM " + literal(v, column);
        case IS_NOT -> v instanceof Literal.Null ? x + " IS NOT NULL" : x + " IS DISTINCT FROM " + literal(v, column);
        case IN, NOT_IN -> {
          List<Literal> list = ((Literal.ListOf) v).values();
          if (list.isEmpty()) {
            yield c.op() == Op.IN ? "FALSE" : "TRUE";
          }
          yield x + (c.op() == Op.IN ? " IN (" : " NOT IN (")
              + String.join(", ", list.stream().map(l -> literal(l, column)).toList()) + ")";
        }
        case LIKE -> x + " LIKE " + literal(v, column);
        case ILIKE -> x + " ILIKE " + literal(v, column);
      };
    }

    private String exists(Condition.Exists e, TableSpec parent, String parentAlias) {
      Query sub = e.query();
      TableSpec child = table(sub.table());
      String a = alias();
      List<String> correlation = new ArrayList<>();
      for (int i = 0; i < e.correlation().child().size(); i++) {
        correlation.add(expr(a, column(child, e.correlation().child().get(i))) + " = "
            + expr(parentAlias, column(parent, e.correlation().parent().get(i))));
      }
      String sql;
      if (sub.limit() == null) {
        sql = "EXISTS (SELECT 1 FROM " + body(sub, child, a, correlation, false) + ")";
      } else {
        sql = "EXISTS (SELECT 1 FROM (SELECT 1 FROM " + body(sub, child, a, correlation, true) + ") AS s" + a + ")";
      }
      return e.negated() ? "NOT " + sql : sql;
    }

    /**
     * At or after the start row in the order: OR over i of (terms before i equal AND term i strictly after),
     * plus (when not exclusive) all terms equal. Each atom is TRUE or FALSE, never NULL.
     */
    private String start(Query query, TableSpec spec, String a) {
      checkCompleted(query, spec);
      List<String> disjuncts = new ArrayList<>();
      List<String> equalPrefix = new ArrayList<>();
      for (Ordering o : query.orderBy()) {
        ColumnSpec column = column(spec, o.column());
        String x = expr(a, column);
        Literal v = query.start().row().get(o.column());
        if (v == null) {
          throw new IllegalArgumentException("the start row has no value for " + o.column());
        }
        String after;
        if (o.direction() == Ordering.Direction.ASC) { // NULLS FIRST: after NULL is any value
          after = v instanceof Literal.Null ? x + " IS NOT NULL" : "(" + x + " IS NOT NULL AND " + x + " > "
              + literal(v, column) + ")";
        } else { // NULLS LAST: nothing is after NULL; NULL is after any value
          after = v instanceof Literal.Null ? "FALSE" : "(" + x + " IS NULL OR " + x + " < " + literal(v, column)
              + ")";
        }
        List<String> conjuncts = new ArrayList<>(equalPrefix);
        conjuncts.add(after);
        disjuncts.add("(" + String.join(" AND ", conjuncts) + ")");
        equalPrefix.add(x + " IS NOT DISTINCT FROM " + literal(v, column));
      }
      if (!query.start().exclusive()) {
        disjuncts.add("(" + String.join(" AND ", equalPrefix) + ")");
      }
      return String.join(" OR ", disjuncts);
    }

    private String alias() {
      return "t" + aliases++;
    }
  }

  private static void checkCompleted(Query query, TableSpec spec) {
    List<String> order = query.orderBy().stream().map(Ordering::column).toList();
    if (!order.containsAll(spec.keyColumns())) {
      throw new IllegalArgumentException("the order " + query.orderBy() + " of " + query.table()
          + " does not end with its key " + spec.keyColumns() + ": normalize the query first");
    }
  }

  private static String qualified(TableSpec spec) {
    return spec.name().pgQuoted();
  }

  private static String ref(String alias, String column) {
    return alias + "." + TableName.quoteIdent(column);
  }

  /** The SQL expression whose value compares like the replica's stored value of {@code column}. */
  static String expr(String alias, ColumnSpec column) {
    String ref = ref(alias, column.name());
    return switch (kind(column)) {
      case BOOL, INTEGER, REAL, BLOB -> ref;
      case TEXT -> ref + " COLLATE \"C\"";
      case TEXT_CAST -> "(" + ref + ")::text COLLATE \"C\"";
      case TIMESTAMP -> "(CASE WHEN " + ref + " = 'infinity' THEN " + Long.MAX_VALUE + "::int8 WHEN " + ref
          + " = '-infinity' THEN (" + Long.MIN_VALUE + ")::int8 ELSE (EXTRACT(EPOCH FROM " + ref
          + ") * 1000000)::int8 END)";
      case UNSUPPORTED -> throw new IllegalArgumentException("the oracle cannot compare " + column.type().name()
          + " column " + column.name() + " the way the replica stores it");
    };
  }

  /** A parameter typed as a value of a column of {@code kind} compares ({@link #bind} binds it). */
  private static String parameter(Kind kind) {
    return switch (kind) {
      case BOOL -> "CAST(? AS bool)";
      case INTEGER, TIMESTAMP -> "CAST(? AS int8)";
      case REAL -> "CAST(? AS float8)";
      case TEXT, TEXT_CAST -> "CAST(? AS text) COLLATE \"C\"";
      case BLOB -> "CAST(? AS bytea)";
      case UNSUPPORTED -> throw new IllegalArgumentException("the oracle cannot correlate this column");
    };
  }

  /** A literal as SQL, typed to compare with {@link #expr} of {@code column}. */
  static String literal(Literal literal, ColumnSpec column) {
    Objects.requireNonNull(literal, "literal");
    if (literal instanceof Literal.Null) {
      return "NULL";
    } else if (literal instanceof Literal.Bool b) {
      return b.value() ? "TRUE" : "FALSE";
    } else if (literal instanceof Literal.Int i) {
      return "CAST('" + i.value() + "' AS int8)";
    } else if (literal instanceof Literal.Real r) {
      // The exact decimal expansion of the double: Postgres' float8in rounds it back to the same double.
      return "CAST('" + new BigDecimal(r.value()).toString() + "' AS float8)";
    } else if (literal instanceof Literal.Text t) {
      return text(t.value());
    }
    throw new IllegalArgumentException("not a scalar literal for " + column.name() + ": " + literal);
  }

  /** A string constant that means {@code s} whatever standard_conforming_strings is. */
  static String text(String s) {
    return "E'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
