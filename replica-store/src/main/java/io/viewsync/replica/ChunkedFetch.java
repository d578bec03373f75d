package io.viewsync.replica;

import io.viewsync.core.ivm.FetchRequest.Basis;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.ivm.Row;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The rows of one {@link ReplicaSource} fetch, read lazily in chunks: a chunk is read only when the consumer asks for
 * a row beyond the previous one, starting at 16 rows and doubling up to 1024, so a consumer that takes one row costs
 * one small query and a full read costs a logarithmic number of queries more than one. Each chunk continues after
 * the last row the previous one read ({@link Basis#AFTER} it) and holds no cursor open.
 *
 * <p>The overlay, fixed when the fetch began: SQL rows {@code hidden} are dropped, and {@code putBack} rows (already
 * filtered by constraint and start, sorted in fetch order, keys disjoint from the SQL rows kept) are merged in.
 *
 * <p>Single-threaded: the pipeline's thread, before the next change is pushed.
 */
final class ChunkedFetch implements Spliterator<Row> {
  static final int FIRST_CHUNK = 16;
  static final int MAX_CHUNK = 1024;

  private final SnapshotQueries queries;
  private final FetchSql sql;
  private final Row constraint;
  private final Ordering ordering;
  private final boolean reverse;
  private final Comparator<Row> order;
  private final Predicate<Row> hidden;
  private final List<Row> putBack;
  private final ArrayDeque<Row> buffer = new ArrayDeque<>();
  private Row from;
  private Basis basis;
  private int nextPutBack;
  private int chunk = FIRST_CHUNK;
  private boolean exhausted;

  /**
   * @param start null for the beginning
   * @param hidden null when nothing is hidden
   */
  ChunkedFetch(SnapshotQueries queries, FetchSql sql, Row constraint, Ordering ordering, boolean reverse, Row start,
      Basis basis, Predicate<Row> hidden, List<Row> putBack) {
    this.queries = queries;
    this.sql = sql;
    this.constraint = constraint;
    this.ordering = ordering;
    this.reverse = reverse;
    this.order = reverse ? ordering.reversed() : ordering;
    this.from = start;
    this.basis = basis;
    this.hidden = hidden;
    this.putBack = putBack;
  }

  @Override
  public boolean tryAdvance(Consumer<? super Row> action) {
    while (buffer.isEmpty() && !exhausted) {
      readChunk();
    }
    Row fromSql = buffer.peekFirst();
    Row fromOverlay = nextPutBack < putBack.size() ? putBack.get(nextPutBack) : null;
    if (fromSql == null && fromOverlay == null) {
      return false;
    }
    if (fromOverlay == null || (fromSql != null && order.compare(fromSql, fromOverlay) < 0)) {
      action.accept(buffer.pollFirst());
    } else {
      nextPutBack++;
      action.accept(fromOverlay);
    }
    return true;
  }

  private void readChunk() {
    List<Row> rows = new ArrayList<>(chunk);
    for (FetchSql.Piece piece : sql.pieces(constraint, ordering, reverse, from, basis)) {
      rows.addAll(queries.run(piece, chunk - rows.size()));
      if (rows.size() == chunk) {
        break;
      }
    }
    exhausted = rows.size() < chunk;
    if (!rows.isEmpty()) {
      from = rows.get(rows.size() - 1);
      basis = Basis.AFTER;
    }
    chunk = Math.min(chunk * 2, MAX_CHUNK);
    for (Row r : rows) {
      if (hidden == null || !hidden.test(r)) {
        buffer.add(r);
      }
    }
  }

  @Override
  public Spliterator<Row> trySplit() {
    return null;
  }

  @Override
  public long estimateSize() {
    return Long.MAX_VALUE;
  }

  @Override
  public int characteristics() {
    return ORDERED | NONNULL;
  }
}
