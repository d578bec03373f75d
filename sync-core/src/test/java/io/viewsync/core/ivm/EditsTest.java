package io.viewsync.core.ivm;

import static io.viewsync.core.ivm.Catches.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EditsTest {
  private final MemorySource source = Catches.source("t", "id", "n");
  private final Input input = source.connect(Ordering.byKey(List.of("id")));
  private final Change.Edit edit = new Change.Edit(row("id", 1, "n", 1), row("id", 1, "n", 2));
  private final List<String> out = new ArrayList<>();

  EditsTest() {
    input.setOutput(c -> { });
    source.add(row("id", 1, "n", 2));
  }

  private List<String> split(boolean oldPasses, boolean newPasses) {
    out.clear();
    Edits.split(edit, oldPasses, newPasses, input, c -> out.add(Render.change(c)));
    return out;
  }

  @Test
  void anEditBothSidesOfWhichPassStaysAnEdit() {
    assertThat(split(true, true)).containsExactly("edit {id=1, n=1} -> {id=1, n=2}");
  }

  @Test
  void anEditWhoseNewRowFailsIsARemoveOfTheOldRow() {
    assertThat(split(true, false)).containsExactly("remove {id=1, n=1}");
  }

  @Test
  void anEditWhoseOldRowFailedIsAnAddOfTheNewRow() {
    assertThat(split(false, true)).containsExactly("add {id=1, n=2}");
  }

  @Test
  void anEditNeitherSideOfWhichPassesIsDropped() {
    assertThat(split(false, false)).isEmpty();
  }
}
