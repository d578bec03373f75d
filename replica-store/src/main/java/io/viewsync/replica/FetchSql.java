package io.viewsync.replica;

import io.viewsync.core.ivm.FetchRequest.Basis;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.ivm.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The SELECTs of a {@link ReplicaSource} fetch: rows of one table matching a constraint, strictly beyond (or at) a
 * start row in an ordering or its reverse, as a list of pieces whose results, concatenated in list order, are those
 * rows in fetch order. Each piece is an equality prefix plus at most one range over the ordering's columns, so one
 * index over (constraint columns, ordering columns with their directions) serves every piece by a seek, without a
 * sort ({@link QueryIndexes} creates such indexes).
 *
 * <p>With ordering parts (c1 d1 … ck dk) and start row s, the rows beyond s are, in fetch order, the pieces i = k …
 * 1 of {c1 IS s1 AND … AND c(i-1) IS s(i-1) AND ci beyond si}. "Beyond" in effective direction ASC (NULL first, as
 * in SQLite) is {@code ci > si}, or {@code ci IS NOT NULL} when si is NULL; in DESC it is {@code ci < si} then
 * {@code ci IS NULL} (NULLs last; skipped for a NOT NULL column), or nothing when si is NULL. {@link Basis#AT} adds a first piece: the start row
 * itself (the ordering ends with the key, so at most one row). Stateless; any thread.
 */
final class FetchSql {
  /** One SELECT and the values its placeholders take, in order; the LIMIT placeholder comes last, unbound here. */
  record Piece(String sql, List<Object> params) {}

  private final String select;
  private final Set<String> notNull;

  /** {@code notNull}: columns that hold no NULL (upstream NOT NULL), for which no {@code IS NULL} piece is read. */
  FetchSql(String table, List<String> columns, Set<String> notNull) {
    this.select = "SELECT " + columns.stream().map(ReplicaStore::q).collect(Collectors.joining(", ")) + " FROM "
        + ReplicaStore.q(table);
    this.notNull = Set.copyOf(notNull);
  }

  /**
   * The pieces of a fetch of rows matching {@code constraint} in {@code ordering} ({@code reverse}d) from
   * {@code start} on; {@code start} null: one piece, the whole constrained range.
   */
  List<Piece> pieces(Row constraint, Ordering ordering, boolean reverse, Row start, Basis basis) {
    List<String> where = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    for (String c : constraint.columns()) {
      where.add(ReplicaStore.q(c) + " IS ?");
      params.add(constraint.get(c));
    }
    String orderBy = orderBy(ordering, reverse);
    List<Piece> out = new ArrayList<>();
    if (start == null) {
      out.add(piece(where, params, orderBy));
      return out;
    }
    List<Ordering.Part> parts = ordering.parts();
    if (basis == Basis.AT) {
      List<String> w = new ArrayList<>(where);
      List<Object> p = new ArrayList<>(params);
      for (Ordering.Part part : parts) {
        w.add(ReplicaStore.q(part.column()) + " IS ?");
        p.add(start.get(part.column()));
      }
      out.add(piece(w, p, orderBy));
    }
    for (int i = parts.size() - 1; i >= 0; i--) {
      List<String> w = new ArrayList<>(where);
      List<Object> p = new ArrayList<>(params);
      for (int j = 0; j < i; j++) {
        w.add(ReplicaStore.q(parts.get(j).column()) + " IS ?");
        p.add(start.get(parts.get(j).column()));
      }
      String c = ReplicaStore.q(parts.get(i).column());
      Object v = start.get(parts.get(i).column());
      boolean ascending = (parts.get(i).direction() == Ordering.Direction.ASC) != reverse;
      if (ascending) {
        out.add(v == null ? piece(plus(w, c + " IS NOT NULL"), p, orderBy)
            : piece(plus(w, c + " > ?"), plus(p, v), orderBy));
      } else if (v != null) {
        out.add(piece(plus(w, c + " < ?"), plus(p, v), orderBy));
        if (!notNull.contains(parts.get(i).column())) {
          out.add(piece(plus(w, c + " IS NULL"), p, orderBy));
        }
      }
    }
    return out;
  }

  /** Each part with its direction spelled out, flipped in reverse, so that an index with those directions serves it. */
  static String orderBy(Ordering ordering, boolean reverse) {
    return ordering.parts().stream()
        .map(p -> ReplicaStore.q(p.column()) + ((p.direction() == Ordering.Direction.ASC) != reverse ? " ASC" : " DESC"))
        .collect(Collectors.joining(", "));
  }

  private Piece piece(List<String> where, List<Object> params, String orderBy) {
    return new Piece(select + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY "
        + orderBy + " LIMIT ?", nullSafe(params));
  }

  /** An unmodifiable copy; not List.copyOf, which refuses nulls, and NULL is a value here. */
  private static List<Object> nullSafe(List<Object> params) {
    return Collections.unmodifiableList(new ArrayList<>(params));
  }

  private static <T> List<T> plus(List<T> list, T item) {
    List<T> out = new ArrayList<>(list);
    out.add(item);
    return out;
  }
}
