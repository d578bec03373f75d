package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.viewsync.core.TableName;
import io.viewsync.core.ivm.FetchRequest.Basis;
import io.viewsync.core.ivm.Ordering;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.IndexSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.value.PgType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Query indexes on a real replica: made once, recorded, left alone by mirrored-index syncs, used by fetches. */
class QueryIndexesTest {
  private static final TableSpec ITEMS = new TableSpec(new TableName("public", "items"), 7,
      List.of(new ColumnSpec("id", PgType.INT8, "bigint", true), new ColumnSpec("g", PgType.INT8, "bigint", false),
          new ColumnSpec("v", PgType.FLOAT8, "double precision", false),
          new ColumnSpec("t", PgType.TEXT, "text", false)),
      List.of("id"), "primary key", null,
      List.of(new IndexSpec("by_t", List.of("t"), false, false, false, false, false)));
  private static final List<Ordering.Part> G_V_DESC = List.of(Ordering.asc("g"), Ordering.desc("v"),
      Ordering.asc("id"));

  @TempDir
  Path dir;
  private ReplicaStore store;
  private QueryIndexes indexes;

  @BeforeEach
  void open() throws SQLException {
    store = ReplicaStore.open(dir);
    store.createTable(ITEMS, TableState.SYNCING);
    store.createIndexes(ITEMS);
    store.commit();
    indexes = new QueryIndexes(store);
  }

  @AfterEach
  void close() throws SQLException {
    indexes.close();
    store.close();
  }

  @Test
  void anIndexIsMadeOnceAndRecorded() throws SQLException {
    Optional<String> made = indexes.ensure("items", G_V_DESC);
    assertThat(made).hasValueSatisfying(n -> assertThat(n).startsWith(QueryIndexes.PREFIX));
    assertThat(queryIndexes()).containsExactly(made.get());
    assertThat(records()).containsExactly(Map.entry(made.get(), "items: \"g\", \"v\" DESC, \"id\""));

    assertThat(indexes.ensure("items", G_V_DESC)).as("again").isEmpty();
    assertThat(indexes.ensure("items", List.of(Ordering.desc("g"), Ordering.asc("v"), Ordering.desc("id"))))
        .as("all reversed: a backward scan").isEmpty();
    assertThat(indexes.ensure("items", List.of(Ordering.asc("g"), Ordering.desc("v")))).as("a prefix").isEmpty();
    assertThat(indexes.ensure("items", Set.of("g"), Ordering.of(List.of(Ordering.desc("v")), List.of("id"))))
        .as("by constraint and ordering").isEmpty();
    assertThat(indexes.ensure("items", List.of(Ordering.desc("id")))).as("the rowid").isEmpty();
    assertThat(indexes.ensure("items", List.of(Ordering.asc("t"), Ordering.asc("id"))))
        .as("the mirrored index, which ends with the rowid").isEmpty();
    assertThat(queryIndexes()).containsExactly(made.get());

    Optional<String> mixed = indexes.ensure("items", List.of(Ordering.asc("g"), Ordering.asc("v")));
    assertThat(mixed).as("one direction differs: not served").isPresent();
    assertThat(indexes.ensure("items", List.of(Ordering.asc("t"), Ordering.desc("id"))))
        .as("the mirrored index does not serve a descending rowid after ascending t").isPresent();
    assertThat(queryIndexes()).hasSize(3);
    assertThat(records()).hasSize(3);
  }

  @Test
  void anIndexThatExistsIsFoundWithoutWaitingForTheWriteGate() throws Exception {
    indexes.ensure("items", G_V_DESC);
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread writer = new Thread(() -> {
      store.writeGate().lock(); // as the replication thread does for a whole batch
      try {
        held.countDown();
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        store.writeGate().unlock();
      }
    });
    writer.start();
    try {
      held.await();
      assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5),
          () -> indexes.ensure("items", G_V_DESC))).isEmpty();
    } finally {
      release.countDown();
      writer.join();
    }
  }

  @Test
  void aMirroredIndexSyncLeavesQueryIndexesAlone() throws SQLException {
    String made = indexes.ensure("items", G_V_DESC).orElseThrow();
    exec("CREATE INDEX stray ON items (v)");
    store.commit();
    ReplicaIndexes.syncMirrored(store.writer(), ITEMS);
    store.commit();
    assertThat(allIndexes()).as("the sync ran (stray went) and kept the query index").contains(made, "by_t")
        .doesNotContain("stray");
    assertThat(records()).containsOnlyKeys(made);
  }

  @Test
  void droppingACoveredColumnDropsTheIndexAndItsRecord() throws SQLException {
    String made = indexes.ensure("items", G_V_DESC).orElseThrow();
    ReplicaIndexes.dropCovering(store.writer(), "items", Set.of("v"));
    store.commit();
    assertThat(queryIndexes()).isEmpty();
    assertThat(records()).isEmpty();
    assertThat(indexes.ensure("items", G_V_DESC)).as("made again on demand").contains(made);
    assertThat(records()).containsOnlyKeys(made);
  }

  @Test
  void recordsFollowTablesDroppedAndRenamed() throws SQLException {
    String first = indexes.ensure("items", G_V_DESC).orElseThrow();
    exec("ALTER TABLE items RENAME TO items_old"); // as a resync moves a replaced table aside
    store.createTable(ITEMS, TableState.SYNCING);
    store.commit();
    String second = indexes.ensure("items", G_V_DESC).orElseThrow();
    assertThat(second).as("the old table's index keeps the name").isEqualTo(first + "_2");
    assertThat(records()).containsOnly(Map.entry(first, "items_old: \"g\", \"v\" DESC, \"id\""),
        Map.entry(second, "items: \"g\", \"v\" DESC, \"id\""));

    exec("DROP TABLE items_old");
    store.commit();
    indexes.ensure("items", List.of(Ordering.asc("t"), Ordering.desc("id")));
    assertThat(records()).as("the dropped table's record went").doesNotContainKey(first).hasSize(2);
  }

  @Test
  void aConstrainedOrderedFetchSeeksTheIndexFromTheNextSnapshotOn() throws SQLException {
    try (PreparedStatement ps = store.writer().prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?)")) {
      for (int i = 0; i < 5000; i++) {
        ps.setLong(1, i);
        ps.setLong(2, i % 50);
        ps.setDouble(3, (i * 7919) % 1000 / 10.0);
        ps.setString(4, "t" + i);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    store.commit();
    Ordering ordering = Ordering.of(List.of(Ordering.desc("v")), List.of("id"));
    Row constraint = Row.of("g", 7L);
    Row start = Row.of("id", 1007L, "g", 7L, "v", 50.5, "t", "x");
    FetchSql sql = new FetchSql("items", List.of("id", "g", "v", "t"), Set.of("id"));
    try (Connection before = store.openReader()) {
      before.setAutoCommit(false);
      FetchSql.Piece lowerV = sql.pieces(constraint, ordering, false, start, Basis.AFTER).get(1);
      assertThat(lowerV.sql()).contains("\"v\" < ?");
      assertThat(QueryPlans.plan(before, lowerV)).as("without the index: a sort").anyMatch(d -> d.contains("TEMP B-TREE"));

      String made = indexes.ensure("items", constraint.columns(), ordering).orElseThrow();
      assertThat(QueryPlans.plan(before, lowerV)).as("a snapshot open before the index was made does not see it")
          .anyMatch(d -> d.contains("TEMP B-TREE"));
      try (Connection after = store.openReader()) {
        after.setAutoCommit(false);
        for (boolean reverse : new boolean[] {false, true}) {
          for (Basis basis : Basis.values()) {
            List<FetchSql.Piece> pieces = sql.pieces(constraint, ordering, reverse, start, basis);
            pieces.add(sql.pieces(constraint, ordering, reverse, null, null).get(0));
            for (FetchSql.Piece p : pieces) {
              List<String> plan = QueryPlans.plan(after, p);
              assertThat(QueryPlans.seeks(plan, made)).as("%s: %s", p.sql(), plan).isTrue();
            }
          }
        }
      }
    }
  }

  private List<String> queryIndexes() throws SQLException {
    return allIndexes().stream().filter(n -> n.startsWith(QueryIndexes.PREFIX)).toList();
  }

  private List<String> allIndexes() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = store.writer().createStatement();
         ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items'"
             + " ORDER BY name")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    store.rollback();
    return out;
  }

  /** name → "table: columns" of every record, each with a creation time. */
  private Map<String, String> records() throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Statement s = store.writer().createStatement();
         ResultSet rs = s.executeQuery("SELECT name, table_name, columns, created_at FROM " + QueryIndexes.TABLE
             + " ORDER BY name")) {
      while (rs.next()) {
        assertThat(rs.getString(4)).as("created_at").isNotBlank();
        out.put(rs.getString(1), rs.getString(2) + ": " + rs.getString(3));
      }
    }
    store.rollback();
    return out;
  }

  private void exec(String sql) throws SQLException {
    try (Statement s = store.writer().createStatement()) {
      s.execute(sql);
    }
  }
}
