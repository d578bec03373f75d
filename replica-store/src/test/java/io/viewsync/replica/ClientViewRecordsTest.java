package io.viewsync.replica;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.ivm.Row;
import io.viewsync.core.protocol.GroupRows;
import io.viewsync.core.view.RowPatch;
import io.viewsync.core.view.RowRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cvr.db} on a real SQLite file: what a batch writes is what a reopened file loads. */
class ClientViewRecordsTest {

  @Test
  void rowKeysOfEveryStorageClassRoundTrip() {
    for (Row key : List.of(Row.of("id", 7L), Row.of("a", "x", "b", -3L), Row.of("f", 1.5, "g", -0.0),
        Row.of("blob", new byte[] {0, (byte) 255, 7}), Row.of("n", null, "s", "with \"quotes\" and ,:[]"))) {
      assertThat(ClientViewRecords.decodeKey(ClientViewRecords.encodeKey(key))).isEqualTo(key);
    }
  }

  @Test
  void theHashTellsValuesApartAndIgnoresHowAnEqualNumberIsStored() {
    Row a = Row.of("id", 1L, "name", "x");
    assertThat(ClientViewRecords.hash(a)).isEqualTo(ClientViewRecords.hash(Row.of("id", 1L, "name", "x")));
    assertThat(ClientViewRecords.hash(a)).isNotEqualTo(ClientViewRecords.hash(Row.of("id", 1L, "name", "y")));
    assertThat(ClientViewRecords.hash(a)).isNotEqualTo(ClientViewRecords.hash(Row.of("id", 1L, "name", null)));
    assertThat(ClientViewRecords.hash(Row.of("v", "1"))).isNotEqualTo(ClientViewRecords.hash(Row.of("v", 1L)));
    assertThat(ClientViewRecords.hash(Row.of("v", 1.0))).as("equal values, as the replica compares them")
        .isEqualTo(ClientViewRecords.hash(Row.of("v", 1L)));
  }

  @Test
  void aBatchIsWhatAReopenedFileLoads(@TempDir Path dir) throws Exception {
    GroupRows rows = new GroupRows();
    rows.apply("c\0q", List.of(new RowPatch("t", Row.of("id", 1L), Row.of("id", 1L, "v", "one")),
        new RowPatch("t", Row.of("id", 2L), Row.of("id", 2L, "v", "two"))));
    rows.apply("c\0q2", List.of(new RowPatch("t", Row.of("id", 1L), Row.of("id", 1L, "v", "one"))));
    GroupRows.Commit first = rows.commit(10);
    rows.apply("c\0q", List.of(new RowPatch("t", Row.of("id", 2L), null)));
    GroupRows.Commit second = rows.commit(20);
    try (ClientViewRecords r = ClientViewRecords.open(dir)) {
      r.putQuery("g", "c", "q", "{\"table\": \"t\"}");
      r.putQuery("g", "c", "gone", "{\"table\": \"t\"}");
      r.deleteQuery("g", "c", "gone");
      ClientViewRecords.Batch b = r.batch().group("g", "replica-1", "{}", 10, Long.MIN_VALUE);
      first.records().forEach(rec -> {
        try {
          b.row("g", rec);
        } catch (java.sql.SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      b.commit();
      ClientViewRecords.Batch b2 = r.batch().group("g", "replica-1", "{}", 20, 5);
      for (GroupRows.Record rec : second.records()) {
        b2.row("g", rec);
      }
      b2.commit();
    }
    try (ClientViewRecords r = ClientViewRecords.open(dir)) {
      ClientViewRecords.StoredGroup g = r.load("g").orElseThrow();
      assertThat(g.replicaId()).isEqualTo("replica-1");
      assertThat(g.version()).isEqualTo(20);
      assertThat(g.horizon()).isEqualTo(5);
      assertThat(g.queries()).containsExactly(new ClientViewRecords.StoredQuery("c", "q", "{\"table\": \"t\"}"));
      RowRef one = new RowRef("t", Row.of("id", 1L));
      RowRef two = new RowRef("t", Row.of("id", 2L));
      assertThat(g.rows()).isEqualTo(Map.of(
          one, new ClientViewRecords.StoredRow(10, ClientViewRecords.hash(Row.of("id", 1L, "v", "one")), 2),
          two, new ClientViewRecords.StoredRow(20, 0, 0)));
      assertThat(g.rows().get(two).live()).as("a tombstone").isFalse();
      assertThat(r.load("other")).isEmpty();
      r.deleteGroup("g");
      assertThat(r.load("g")).isEmpty();
      assertThat(r.groups()).isZero();
    }
  }
}
