package io.viewsync.core.ivm;

import static io.viewsync.core.ivm.Catches.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowTest {
  @Test
  void rowsWithEqualBlobsAreEqualAndHashAlike() {
    Row a = Row.of("id", 1L, "b", new byte[] {1, 2});
    Row b = Row.of("id", 1L, "b", new byte[] {1, 2});
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void aRowIsImmutableEvenThroughItsBlobs() {
    byte[] bytes = {1};
    Row r = Row.of("b", bytes);
    bytes[0] = 9;
    ((byte[]) r.get("b"))[0] = 9;
    assertThat((byte[]) r.get("b")).containsExactly(1);
  }

  @Test
  void readingAMissingColumnIsAnError() {
    assertThatThrownBy(() -> row("id", 1).get("idd")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aConstraintMatchesEqualValuesAndNullMatchesNull() {
    Row r = Row.of("id", 1L, "x", null);
    assertThat(r.matches(Row.of("id", 1.0))).isTrue();
    assertThat(r.matches(Row.of("x", null))).isTrue();
    assertThat(r.matches(Row.of("id", 2L))).isFalse();
    assertThat(r.matches(Row.EMPTY)).isTrue();
  }

  @Test
  void anOrderingEndsWithTheKeySoItIsTotal() {
    Ordering o = Ordering.of(List.of(Ordering.desc("n")), List.of("id"));
    assertThat(o.parts()).containsExactly(Ordering.desc("n"), Ordering.asc("id"));
    List<Row> rows = new ArrayList<>(List.of(row("id", 2, "n", 1), row("id", 1, "n", 1), row("id", 3, "n", 5)));
    rows.sort(o);
    assertThat(rows).containsExactly(row("id", 3, "n", 5), row("id", 1, "n", 1), row("id", 2, "n", 1));
  }
}
