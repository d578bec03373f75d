package io.viewsync.core.ivm;

import static io.viewsync.core.ivm.Catches.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FilterTest {
  @RegisterExtension final Catches catches = new Catches();

  private final MemorySource source = Catches.source("t", "id", "n");
  private final Input input = source.connect(Ordering.byKey(List.of("id")));
  private final Catch out = catches.on(new Filter(input, r -> (Long) r.get("n") > 0));

  FilterTest() {
    source.add(row("id", 1, "n", 1));
    source.add(row("id", 2, "n", 0));
    out.take();
  }

  @Test
  void fetchReturnsOnlyRowsThatPass() {
    assertThat(out.fetch()).containsExactly("{id=1, n=1}");
  }

  @Test
  void addsAndRemovesPassOnlyForRowsThatPass() {
    source.add(row("id", 3, "n", 5));
    source.add(row("id", 4, "n", -1));
    source.remove(row("id", 2, "n", 0));
    source.remove(row("id", 1, "n", 1));
    assertThat(out.take()).containsExactly("add {id=3, n=5}", "remove {id=1, n=1}");
  }

  @Test
  void anEditWhosePredicateFlipsBecomesRemoveOrAdd() {
    source.edit(row("id", 1, "n", 1), row("id", 1, "n", 2));
    source.edit(row("id", 1, "n", 2), row("id", 1, "n", 0));
    source.edit(row("id", 2, "n", 0), row("id", 2, "n", 3));
    source.edit(row("id", 1, "n", 0), row("id", 1, "n", -4));
    assertThat(out.take()).containsExactly("edit {id=1, n=1} -> {id=1, n=2}", "remove {id=1, n=2}",
        "add {id=2, n=3}");
  }

  @Test
  void aConstraintThePredicateImpliesIsAskedOfTheInputSoItNeedNotReadOtherRows() {
    Spy spy = new Spy(input);
    List<FetchRequest> asked = spy.requests;
    Filter f = new Filter(spy, r -> Long.valueOf(1).equals(r.get("n")), row("n", 1));
    assertThat(f.fetch(FetchRequest.ALL).map(Node::row)).containsExactly(row("id", 1, "n", 1));
    assertThat(asked.get(0).constraint()).isEqualTo(row("n", 1));
    assertThat(f.fetch(FetchRequest.where(row("id", 1))).map(Node::row)).containsExactly(row("id", 1, "n", 1));
    assertThat(asked.get(1).constraint()).isEqualTo(row("id", 1, "n", 1));
    assertThat(f.fetch(FetchRequest.where(row("n", 2)))).as("a value the predicate excludes").isEmpty();
    assertThat(asked).hasSize(2);
  }

  @Test
  void randomPushesKeepTheViewEqualToAFreshFetch() {
    MemorySource s = Catches.source("t", "id", "n");
    MaterializedView view = new MaterializedView(new Filter(s.connect(Ordering.of(
        List.of(Ordering.asc("n")), List.of("id"))), r -> r.get("n") instanceof Long n && n % 2 == 0));
    RandomTable.drive(s, new Random(1), 400, view);
  }
}
