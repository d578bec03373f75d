package io.viewsync.core.ivm;

import static io.viewsync.core.ivm.Catches.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.ivm.FetchRequest.Basis;
import io.viewsync.core.ivm.FetchRequest.Start;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemorySourceTest {
  @RegisterExtension final Catches catches = new Catches();

  private final MemorySource source = Catches.source("t", "id", "g");

  MemorySourceTest() {
    for (int i = 1; i <= 5; i++) {
      source.add(row("id", i, "g", i % 2));
    }
  }

  @Test
  void fetchHonoursConstraintStartAndReverse() {
    Catch c = catches.on(source.connect(Ordering.byKey(List.of("id"))));
    assertThat(c.fetch(FetchRequest.where(row("g", 1))))
        .containsExactly("{id=1, g=1}", "{id=3, g=1}", "{id=5, g=1}");
    assertThat(c.fetch(new FetchRequest(Row.EMPTY, new Start(row("id", 3, "g", 1), Basis.AT), false)))
        .containsExactly("{id=3, g=1}", "{id=4, g=0}", "{id=5, g=1}");
    assertThat(c.fetch(new FetchRequest(row("g", 0), new Start(row("id", 4, "g", 0), Basis.AFTER), true)))
        .containsExactly("{id=2, g=0}");
    assertThat(c.fetch(new FetchRequest(Row.EMPTY, new Start(row("id", 3, "g", 9), Basis.AFTER), true)))
        .containsExactly("{id=2, g=0}", "{id=1, g=1}");
  }

  @Test
  void eachConnectionFetchesInItsOwnOrder() {
    Catch c = catches.on(source.connect(Ordering.of(List.of(Ordering.asc("g"), Ordering.desc("id")),
        List.of("id"))));
    assertThat(c.fetch()).containsExactly("{id=4, g=0}", "{id=2, g=0}", "{id=5, g=1}", "{id=3, g=1}",
        "{id=1, g=1}");
  }

  @Test
  void pushesFanOutToEveryConnection() {
    Catch a = catches.on(source.connect(Ordering.byKey(List.of("id"))));
    Catch b = catches.on(source.connect(Ordering.byKey(List.of("id"))));
    source.edit(row("id", 1, "g", 1), row("id", 1, "g", 7));
    source.remove(row("id", 1, "g", 7));
    source.add(row("id", 9, "g", 0));
    List<String> expected = List.of("edit {id=1, g=1} -> {id=1, g=7}", "remove {id=1, g=7}", "add {id=9, g=0}");
    assertThat(a.take()).isEqualTo(expected);
    assertThat(b.take()).isEqualTo(expected);
  }

  @Test
  void duringAPushLaterConnectionsDoNotYetSeeTheChange() {
    Input first = source.connect(Ordering.byKey(List.of("id")));
    Input second = source.connect(Ordering.byKey(List.of("id")));
    List<String> seen = new ArrayList<>();
    first.setOutput(ch -> seen.add("first sees " + Render.fetch(first).size() + "/" + Render.fetch(second).size()));
    second.setOutput(ch -> seen.add("second sees " + Render.fetch(first).size() + "/"
        + Render.fetch(second).size()));
    source.add(row("id", 6, "g", 0));
    assertThat(seen).containsExactly("first sees 6/5", "second sees 6/6");
  }
}
