package io.viewsync.core.ivm;

import static io.viewsync.core.ivm.Catches.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.ivm.FetchRequest.Basis;
import io.viewsync.core.ivm.FetchRequest.Start;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SkipTest {
  @RegisterExtension final Catches catches = new Catches();

  private final MemorySource source = Catches.source("t", "id", "n");
  private final Ordering byN = Ordering.of(List.of(Ordering.asc("n")), List.of("id"));

  SkipTest() {
    for (int i = 1; i <= 4; i++) {
      source.add(row("id", i, "n", i * 10));
    }
  }

  private Catch skip(boolean exclusive) {
    return catches.on(new Skip(source.connect(byN), row("id", 2, "n", 20), exclusive));
  }

  @Test
  void anExclusiveBoundDropsRowsUpToAndIncludingIt() {
    Catch out = skip(true);
    assertThat(out.fetch()).containsExactly("{id=3, n=30}", "{id=4, n=40}");
    assertThat(out.fetch(new FetchRequest(Row.EMPTY, null, true))).containsExactly("{id=4, n=40}", "{id=3, n=30}");
  }

  @Test
  void anInclusiveBoundKeepsTheBoundRow() {
    Catch out = skip(false);
    assertThat(out.fetch()).containsExactly("{id=2, n=20}", "{id=3, n=30}", "{id=4, n=40}");
  }

  @Test
  void fetchFromAStartStartsAtTheLaterOfTheStartAndTheBound() {
    Catch out = skip(true);
    assertThat(out.fetch(new FetchRequest(Row.EMPTY, new Start(row("id", 1, "n", 10), Basis.AT), false)))
        .containsExactly("{id=3, n=30}", "{id=4, n=40}");
    assertThat(out.fetch(new FetchRequest(Row.EMPTY, new Start(row("id", 3, "n", 30), Basis.AFTER), false)))
        .containsExactly("{id=4, n=40}");
  }

  @Test
  void pushesBeforeTheBoundAreDropped() {
    Catch out = skip(true);
    source.add(row("id", 5, "n", 5));
    source.add(row("id", 6, "n", 25));
    source.remove(row("id", 1, "n", 10));
    assertThat(out.take()).containsExactly("add {id=6, n=25}");
  }

  @Test
  void editsCrossingTheBoundSplit() {
    Catch out = skip(true);
    source.edit(row("id", 1, "n", 10), row("id", 1, "n", 50));
    source.edit(row("id", 3, "n", 30), row("id", 3, "n", 1));
    source.edit(row("id", 4, "n", 40), row("id", 4, "n", 45));
    assertThat(out.take()).containsExactly("add {id=1, n=50}", "remove {id=3, n=30}",
        "edit {id=4, n=40} -> {id=4, n=45}");
  }

  @Test
  void randomPushesKeepTheViewEqualToAFreshFetch() {
    MemorySource s = Catches.source("t", "id", "n");
    MaterializedView view = new MaterializedView(new Skip(s.connect(byN), row("id", 5, "n", 3), true));
    RandomTable.drive(s, new Random(2), 400, view);
  }
}
