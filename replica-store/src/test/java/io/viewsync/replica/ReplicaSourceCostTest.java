package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.TableName;
import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.FetchRequest.Basis;
import io.viewsync.core.ivm.FetchRequest.Start;
import io.viewsync.core.ivm.Input;
import io.viewsync.core.ivm.Node;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fetch costs, counted in SELECTs (not timed): taking the first row after a start in a group of 1000 rows
 * costs the same few small queries whether the table holds that group alone or a hundred of them, and each query
 * seeks the query index.
 * Timings are printed for the record, never asserted.
 */
class ReplicaSourceCostTest {
  private static final TableSpec BIG = new TableSpec(new TableName("public", "big"), 9,
      List.of(new ColumnSpec("id", PgType.INT8, "bigint", true), new ColumnSpec("g", PgType.INT8, "bigint", true),
          new ColumnSpec("v", PgType.FLOAT8, "double precision", false),
          new ColumnSpec("t", PgType.TEXT, "text", false)),
      List.of("id"), "primary key", null);
  private static final Ordering BY_V_DESC = Ordering.of(List.of(Ordering.desc("v")), List.of("id"));
  /** Every group has this many rows, whatever the table's size: the fetches compared read the same rows. */
  private static final int GROUP_ROWS = 1000;

  @TempDir
  Path dir;

  @Test
  void findFirstAfterAStartCostsTheSameFewSeeksAtAnyTableSize() throws Exception {
    Map<Integer, List<Long>> costs = new LinkedHashMap<>();
    for (int size : new int[] {1_000, 100_000}) {
      costs.put(size, measure(size));
    }
    System.out.println("SELECTs per fetch by table size: " + costs);
    assertThat(costs.get(100_000)).as("independent of the table's size").isEqualTo(costs.get(1_000));
    // After a start: the start's own v with a later id (empty: v is distinct), then v beyond it, which fills the
    // first chunk of 16; the same reversed; from the beginning: one; AT a start: the start row itself first. A
    // whole group of 1000 rows: one, then two per further chunk of 32 … 512, and the last chunk (not full) also
    // reads v IS NULL.
    assertThat(costs.get(1_000)).containsExactly(2L, 2L, 1L, 3L, 12L);
  }

  /** SELECTs of: findFirst after a start, the same reversed, findFirst from the beginning, findFirst AT a start. */
  private List<Long> measure(int size) throws SQLException {
    Random random = new Random(size);
    try (ReplicaStore store = ReplicaStore.open(dir.resolve("s" + size));
         QueryIndexes indexes = new QueryIndexes(store)) {
      MixedTable.create(store, BIG);
      try (PreparedStatement ps = store.writer().prepareStatement("INSERT INTO big VALUES (?, ?, ?, ?)")) {
        for (int i = 0; i < size; i++) {
          ps.setLong(1, i);
          ps.setLong(2, i % (size / GROUP_ROWS));
          ps.setDouble(3, random.nextDouble());
          ps.setString(4, "t" + i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      store.commit();
      String index = indexes.ensure("big", Set.of("g"), BY_V_DESC).orElseThrow();
      try (Connection snapshot = store.openReader();
           ReplicaSource source = new ReplicaSource(BIG, () -> snapshot)) {
        snapshot.setAutoCommit(false);
        Input input = source.connect(BY_V_DESC);
        Row group = Row.of("g", 0L);
        List<Row> all = input.fetch(FetchRequest.where(group)).map(Node::row).toList();
        assertThat(all).hasSize(GROUP_ROWS);
        Row middle = all.get(all.size() / 2);

        List<Long> out = new ArrayList<>();
        FetchRequest after = new FetchRequest(group, new Start(middle, Basis.AFTER), false);
        out.add(cost(source, input, after, all.get(all.size() / 2 + 1)));
        FetchRequest before = new FetchRequest(group, new Start(middle, Basis.AFTER), true);
        out.add(cost(source, input, before, all.get(all.size() / 2 - 1)));
        out.add(cost(source, input, FetchRequest.where(group), all.get(0)));
        out.add(cost(source, input, new FetchRequest(group, new Start(middle, Basis.AT), false), middle));
        long s0 = source.statementsExecuted();
        assertThat(input.fetch(FetchRequest.where(group)).count()).isEqualTo(all.size());
        out.add(source.statementsExecuted() - s0);

        FetchSql sql = new FetchSql("big", List.of("id", "g", "v", "t"), Set.of("id", "g"));
        for (FetchRequest r : List.of(after, before, new FetchRequest(group, new Start(middle, Basis.AT), true))) {
          for (FetchSql.Piece p : sql.pieces(group, BY_V_DESC, r.reverse(), middle, r.start().basis())) {
            assertThat(QueryPlans.seeks(QueryPlans.plan(snapshot, p), index)).as(p.sql()).isTrue();
          }
        }
        time(size, input, all, group);
        return out;
      }
    }
  }

  private static long cost(ReplicaSource source, Input input, FetchRequest request, Row expected) {
    long before = source.statementsExecuted();
    assertThat(input.fetch(request).findFirst()).map(Node::row).contains(expected);
    return source.statementsExecuted() - before;
  }

  /** Prints the mean time of findFirst after random starts and of reading one group whole. */
  private static void time(int size, Input input, List<Row> group, Row constraint) {
    Random random = new Random(1);
    int n = 2000;
    long t0 = 0;
    for (int pass = 0; pass < 2; pass++) { // the first warms up
      t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Row start = group.get(random.nextInt(group.size()));
        input.fetch(new FetchRequest(constraint, new Start(start, Basis.AFTER), random.nextBoolean())).findFirst();
      }
    }
    long t1 = System.nanoTime();
    int reads = 20;
    for (int i = 0; i < reads; i++) {
      input.fetch(FetchRequest.where(constraint)).count();
    }
    long t2 = System.nanoTime();
    System.out.printf("%,d rows: findFirst after a start %.1f µs; a group of %,d rows read whole %.2f ms%n", size,
        (t1 - t0) / 1e3 / n, group.size(), (t2 - t1) / 1e6 / reads);
  }
}
