package io.viewsync.replica;

import static io.viewsync.replica.DocsAndTags.row;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two alternating snapshots turn the change log into before/after rows, against a real SQLite replica. */
class SnapshotterTest {
  private static final TableSpec DOCS = DocsAndTags.DOCS;
  private static final TableSpec TAGS = DocsAndTags.TAGS;
  private static final Relation DOCS_REL = DocsAndTags.DOCS_REL;
  private static final Relation TAGS_REL = DocsAndTags.TAGS_REL;

  @TempDir
  Path dir;
  private DocsAndTags replica;
  private Snapshotter snapshots;

  @BeforeEach
  void open() throws SQLException {
    replica = new DocsAndTags(dir);
    snapshots = new Snapshotter(replica.store);
  }

  @AfterEach
  void close() throws SQLException {
    snapshots.close();
    replica.close();
  }

  private void tx(long commit, Change... changes) throws SQLException {
    replica.tx(commit, changes);
  }

  private static Map<String, Object> doc(long id, String body) {
    return Map.of("id", id, "body", body);
  }

  @Test
  void insertsUpdatesAndDeletesComeWithTheirRowsBeforeAndAfter() throws SQLException {
    assertThat(snapshots.current().version()).isEqualTo(Lsn.of(1000));
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(DOCS_REL, row("2", "b")));
    assertThat(snapshots.advance()).containsExactlyInAnyOrder(
        new Snapshotter.RowChange("docs", null, doc(1, "a")), new Snapshotter.RowChange("docs", null, doc(2, "b")));
    assertThat(snapshots.current().version()).isEqualTo(Lsn.of(2000));

    tx(3000, new Change.Update(DOCS_REL, null, row("1", "a2")), new Change.Delete(DOCS_REL, row("2", null)),
        new Change.Insert(DOCS_REL, row("3", "c")), new Change.Delete(DOCS_REL, row("3", null)));
    assertThat(snapshots.advance()).as("row 3 came and went inside (2000, 3000]: nothing to say").containsExactlyInAnyOrder(
        new Snapshotter.RowChange("docs", doc(1, "a"), doc(1, "a2")), new Snapshotter.RowChange("docs", doc(2, "b"), null));
    assertThat(snapshots.advance()).as("no new version").isEmpty();
  }

  @Test
  void aSnapshotKeepsSeeingItsVersionWhileTheWriterGoesOn() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")));
    snapshots.advance();
    tx(3000, new Change.Insert(DOCS_REL, row("2", "b")), new Change.Insert(TAGS_REL, row("1", "x")));
    try (Statement s = snapshots.current().connection().createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM docs")) {
      rs.next();
      assertThat(rs.getLong(1)).as("the old snapshot does not see transaction 3000").isEqualTo(1);
    }
    assertThat(snapshots.advance()).containsExactlyInAnyOrder(new Snapshotter.RowChange("docs", null, doc(2, "b")),
        new Snapshotter.RowChange("tags", null, Map.of("doc", 1L, "tag", "x")));
  }

  @Test
  void aTruncatedTableIsResetNotListedRowByRow() throws SQLException {
    tx(2000, new Change.Insert(DOCS_REL, row("1", "a")), new Change.Insert(TAGS_REL, row("1", "x")));
    snapshots.advance();
    tx(3000, new Change.Truncate(List.of(DOCS_REL)), new Change.Insert(DOCS_REL, row("5", "e")),
        new Change.Insert(TAGS_REL, row("5", "y")));
    assertThat(snapshots.advance()).containsExactlyInAnyOrder(new Snapshotter.TableReset("docs", DOCS),
        new Snapshotter.RowChange("tags", null, Map.of("doc", 5L, "tag", "y")));
  }

  @Test
  void changeLogKeysComeBackTypedByTheirColumns() {
    assertThat(Snapshotter.key(TAGS, "[7,\"x\\\"y\"]")).containsExactly(7L, "x\"y");
    assertThat(Snapshotter.key(TAGS, TableWriter.keyJson(new Object[] {42L, "é"}))).containsExactly(42L, "é");
  }
}
