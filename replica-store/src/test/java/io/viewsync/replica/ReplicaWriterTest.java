package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.Lsn;
import io.viewsync.core.TableName;
import io.viewsync.core.change.Change;
import io.viewsync.core.schema.ColumnSpec;
import io.viewsync.core.schema.TableSpec;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Column;
import io.viewsync.core.source.pg.pgoutput.PgOutputMessage.Relation;
import io.viewsync.core.source.pg.pgoutput.TupleData;
import io.viewsync.core.value.PgType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The apply path and its exactly-once bookkeeping, against a real SQLite replica and no Postgres. */
class ReplicaWriterTest {
  private static final TableSpec DOCS = new TableSpec(new TableName("public", "docs"), 1,
      List.of(new ColumnSpec("id", PgType.INT8, "bigint", true), new ColumnSpec("body", PgType.TEXT, "text", false),
          new ColumnSpec("n", PgType.INT4, "integer", false)),
      List.of("id"), "primary key docs_pkey", null);
  private static final Relation REL = new Relation(1, "public", "docs", 'd', List.of(new Column(true, "id", 20, -1),
      new Column(false, "body", 25, -1), new Column(false, "n", 23, -1)));

  @TempDir
  Path dir;
  private ReplicaStore store;
  private ReplicaWriter writer;
  private final List<Lsn> durable = new ArrayList<>();

  @BeforeEach
  void open() throws SQLException {
    store = ReplicaStore.open(dir);
    store.createTable(DOCS, TableState.SYNCING);
    store.createKeyIndex(DOCS);
    store.commit();
    writer = new ReplicaWriter(store, Lsn.of(1000), Lsn.of(1010), new ApplyStats(), durable::add,
        1_000_000, 60_000, ReplicaWriter.Context.NONE);
  }

  @AfterEach
  void close() throws SQLException {
    writer.close();
    store.close();
  }

  private static TupleData row(String... values) {
    byte[] kinds = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      kinds[i] = values[i] == null ? TupleData.NULL : "<u>".equals(values[i]) ? TupleData.UNCHANGED_TOAST : TupleData.TEXT;
      if ("<u>".equals(values[i])) {
        values[i] = null;
      }
    }
    return new TupleData(kinds, values);
  }

  private void tx(long commit, Change... changes) throws SQLException {
    writer.accept(new Change.Begin(Lsn.of(commit), 0, 1));
    for (Change c : changes) {
      writer.accept(c);
    }
    writer.accept(new Change.Commit(Lsn.of(commit), Lsn.of(commit + 8), 0));
  }

  private List<String> rows() throws SQLException {
    return query("SELECT id || ':' || coalesce(body, 'NULL') || ':' || coalesce(n, 'NULL') FROM docs ORDER BY id");
  }

  private List<String> log() throws SQLException {
    return query("SELECT row_key || ' ' || op || ' @' || version FROM _viewsync_changes ORDER BY version, row_key");
  }

  private List<String> query(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = store.openReader(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Test
  void nothingIsConfirmableOrVisibleUntilTheBatchIsCommitted() throws SQLException {
    tx(2000, new Change.Insert(REL, row("1", "a", "0")));
    assertThat(writer.confirmableLsn()).isEqualTo(Lsn.of(1010));
    assertThat(rows()).isEmpty();
    assertThat(writer.flush()).isEqualTo(Lsn.of(2008));
    assertThat(rows()).containsExactly("1:a:0");
    assertThat(writer.watermark()).isEqualTo(Lsn.of(2000));
    assertThat(durable).containsExactly(Lsn.of(2000));
    assertThat(store.state(ReplicaWriter.STATE_WATERMARK)).contains("0/7D0");
  }

  @Test
  void aTransactionAtOrBelowTheWatermarkIsSkippedWhole() throws SQLException {
    tx(1000, new Change.Insert(REL, row("1", "old", "0")));
    tx(999, new Change.Insert(REL, row("2", "older", "0")));
    writer.flush();
    assertThat(rows()).isEmpty();
    assertThat(writer.confirmableLsn()).isEqualTo(Lsn.of(1010));
  }

  @Test
  void anUnchangedToastedValueIsKeptAndAKeyChangeMovesTheRow() throws SQLException {
    tx(2000, new Change.Insert(REL, row("1", "big body", "0")));
    tx(2100, new Change.Update(REL, null, row("1", "<u>", "1")));
    tx(2200, new Change.Update(REL, row("1", null, null), row("5", "<u>", "2")));
    writer.flush();
    assertThat(rows()).containsExactly("5:big body:2");
    assertThat(log()).containsExactly("[1] del @2200", "[5] put @2200");
  }

  @Test
  void aTruncateEmptiesTheTableAndReplacesItsLogEntries() throws SQLException {
    tx(2000, new Change.Insert(REL, row("1", "a", "0")), new Change.Insert(REL, row("2", "b", "0")));
    tx(2100, new Change.Truncate(List.of(REL)), new Change.Insert(REL, row("3", "c", "0")));
    writer.flush();
    assertThat(rows()).containsExactly("3:c:0");
    assertThat(log()).containsExactly("[3] put @2100", "[] truncate @2100");
  }

  @Test
  void aHeartbeatBetweenTransactionsBecomesConfirmableOnceDurable() throws SQLException {
    writer.accept(new Change.Message(false, Lsn.of(5000), ReplicaWriter.HEARTBEAT_PREFIX, new byte[0]));
    assertThat(writer.confirmableLsn()).isEqualTo(Lsn.of(1010));
    assertThat(writer.flush()).isEqualTo(Lsn.of(5000));
    assertThat(store.state(ReplicaWriter.STATE_RESUME)).contains(Lsn.of(5000).toString());
    assertThat(writer.watermark()).as("a heartbeat is no transaction").isEqualTo(Lsn.of(1000));
  }

  @Test
  void aFlushInsideATransactionWaitsForItsCommit() throws SQLException {
    writer.accept(new Change.Begin(Lsn.of(2000), 0, 1));
    writer.accept(new Change.Insert(REL, row("1", "a", "0")));
    assertThat(writer.flush()).isEqualTo(Lsn.of(1010));
    assertThat(rows()).isEmpty();
    writer.accept(new Change.Commit(Lsn.of(2000), Lsn.of(2008), 0));
    assertThat(writer.flush()).isEqualTo(Lsn.of(2008));
  }

  @Test
  void abortDropsWhatIsNotDurableSoTheStreamCanSendItAgain() throws SQLException {
    tx(2000, new Change.Insert(REL, row("1", "a", "0")));
    writer.flush();
    tx(2100, new Change.Insert(REL, row("2", "b", "0")));
    writer.abort();
    assertThat(writer.confirmableLsn()).isEqualTo(Lsn.of(2008));
    tx(2100, new Change.Insert(REL, row("2", "b", "0")));
    writer.flush();
    assertThat(rows()).containsExactly("1:a:0", "2:b:0");
  }

  @Test
  void bufferedTuplesRoundTripWithNullsUnchangedToastAndUnicode() {
    TupleData t = row("1", null, "<u>", "h\u00e9llo \ud83d\ude00", "");
    TupleData back = ResyncBuffer.decode(ResyncBuffer.encode(t));
    assertThat(back).isEqualTo(t);
    assertThat(back.isNull(1)).isTrue();
    assertThat(back.isUnchangedToast(2)).isTrue();
    assertThat(back.text(4)).isEmpty();
    assertThat(ResyncBuffer.encode(null)).isNull();
    assertThat(ResyncBuffer.decode(null)).isNull();
  }

  @Test
  void repairBackoffDoublesFromOneSecondAndStopsAtFiveMinutes() {
    assertThat(Resyncs.backoffMillis(1)).isEqualTo(1_000);
    assertThat(Resyncs.backoffMillis(2)).isEqualTo(2_000);
    assertThat(Resyncs.backoffMillis(4)).isEqualTo(8_000);
    assertThat(Resyncs.backoffMillis(9)).isEqualTo(256_000);
    assertThat(Resyncs.backoffMillis(10)).isEqualTo(Resyncs.MAX_BACKOFF_MILLIS);
    assertThat(Resyncs.backoffMillis(1000)).isEqualTo(Resyncs.MAX_BACKOFF_MILLIS);
  }

  /**
   * A resync swapped in at a transaction boundary, then the next transaction, whose commit record starts exactly
   * where the previous one ended. The swap's reset entry needs a version past everything seen; it once took the
   * resume position itself, and the next transaction, at that very LSN, was skipped as already applied.
   */
  @Test
  void aTransactionRightAfterAResyncSwapIsApplied() throws Exception {
    writer.close();
    Resyncs resyncs = new Resyncs();
    try {
      // The copy: the table as of a snapshot at LSN 1500, holding row 1, in a shadow table.
      Resyncs.CopyFactory copies = (job, done) -> new Resyncs.Copy() {
        @Override
        public void run() {
          String shadow = ResyncCopy.SHADOW_PREFIX + job.oid + "_" + job.id;
          store.writeGate().lock();
          try (Connection side = store.openSideWriter(); Statement s = side.createStatement()) {
            s.execute(ReplicaStore.createTableSql(shadow, DOCS));
            s.execute("INSERT INTO " + ReplicaStore.q(shadow) + " VALUES (1, 'copied', 1)");
            side.commit();
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          } finally {
            store.writeGate().unlock();
          }
          job.spec = DOCS;
          job.shadow = shadow;
          job.consistent = Lsn.of(1500);
          job.phase = Resyncs.Phase.READY;
          done.run();
        }

        @Override
        public void cancel() {}
      };
      writer = new ReplicaWriter(store, Lsn.of(1000), Lsn.of(1010), new ApplyStats(), durable::add, 1_000_000, 60_000,
          new ReplicaWriter.Context(null, resyncs, copies, null));
      resyncs.request(new Resyncs.Request(1, null, "test", 0));
      writer.flush(); // a boundary: the resync starts
      assertThat(ReplicaOracle.await(10_000, () -> resyncs.job(1) != null
          && resyncs.job(1).phase == Resyncs.Phase.READY)).isTrue();
      tx(2000, new Change.Insert(REL, row("2", "b", "0"))); // ends at 2008; the swap follows at its boundary
      assertThat(resyncs.job(1)).as("swapped in").isNull();
      tx(2008, new Change.Insert(REL, row("3", "c", "0")));
      writer.flush();
      assertThat(rows()).containsExactly("1:copied:1", "2:b:0", "3:c:0");
      assertThat(query("SELECT op FROM _viewsync_changes WHERE row_key = '[]'")).containsExactly("reset");
      // The replaced table was moved aside in the swap and is emptied and dropped afterwards, off the stream.
      assertThat(ReplicaOracle.await(10_000, () -> {
        try {
          return query("SELECT name FROM sqlite_master WHERE name LIKE '_viewsync_trash%'").isEmpty();
        } catch (SQLException e) {
          return false;
        }
      })).isTrue();
    } finally {
      resyncs.close();
    }
  }
}
