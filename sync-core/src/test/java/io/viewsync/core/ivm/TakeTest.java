package io.viewsync.core.ivm;

import static io.viewsync.core.ivm.Catches.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TakeTest {
  @RegisterExtension final Catches catches = new Catches();

  private final MemorySource source = Catches.source("t", "id", "n");
  private final Ordering byN = Ordering.of(List.of(Ordering.asc("n")), List.of("id"));

  TakeTest() {
    for (int i = 1; i <= 5; i++) {
      source.add(row("id", i, "n", i * 10));
    }
  }

  private Catch take(int limit) {
    Catch c = catches.on(new Take(source.connect(byN), limit));
    c.fetch(); // hydrate, as a view does
    return c;
  }

  @Test
  void limitZeroReturnsAndPushesNothing() {
    Catch out = take(0);
    assertThat(out.fetch()).isEmpty();
    source.add(row("id", 6, "n", 1));
    source.remove(row("id", 1, "n", 10));
    assertThat(out.take()).isEmpty();
  }

  @Test
  void limitOneKeepsTheFirstRow() {
    Catch out = take(1);
    assertThat(out.fetch()).containsExactly("{id=1, n=10}");
    source.add(row("id", 6, "n", 5));
    assertThat(out.take()).containsExactly("remove {id=1, n=10}", "add {id=6, n=5}");
    assertThat(out.fetch()).containsExactly("{id=6, n=5}");
  }

  @Test
  void limitNKeepsTheFirstNRowsInOrderAndReverse() {
    Catch out = take(3);
    assertThat(out.fetch()).containsExactly("{id=1, n=10}", "{id=2, n=20}", "{id=3, n=30}");
    assertThat(out.fetch(new FetchRequest(Row.EMPTY, null, true)))
        .containsExactly("{id=3, n=30}", "{id=2, n=20}", "{id=1, n=10}");
  }

  @Test
  void aLimitAboveTheRowCountKeepsEveryRowAndAddsBeyondTheLastRow() {
    Catch out = take(10);
    source.add(row("id", 6, "n", 99));
    source.remove(row("id", 6, "n", 99));
    assertThat(out.take()).containsExactly("add {id=6, n=99}", "remove {id=6, n=99}");
    assertThat(out.fetch()).hasSize(5);
  }

  @Test
  void aRemoveInsideTheWindowRefillsFromUpstream() {
    Catch out = take(3);
    source.remove(row("id", 2, "n", 20));
    assertThat(out.take()).containsExactly("remove {id=2, n=20}", "add {id=4, n=40}");
    source.remove(row("id", 4, "n", 40));
    assertThat(out.take()).containsExactly("remove {id=4, n=40}", "add {id=5, n=50}");
    source.remove(row("id", 5, "n", 50));
    assertThat(out.take()).containsExactly("remove {id=5, n=50}");
    assertThat(out.fetch()).containsExactly("{id=1, n=10}", "{id=3, n=30}");
  }

  @Test
  void anAddBeyondTheBoundIsIgnored() {
    Catch out = take(3);
    source.add(row("id", 6, "n", 35));
    source.remove(row("id", 5, "n", 50));
    assertThat(out.take()).isEmpty();
  }

  @Test
  void anAddInsideTheWindowEvictsTheBoundAndAFetchDuringTheRemoveHidesTheNewRow() {
    Take take = new Take(source.connect(byN), 3);
    take.fetch(FetchRequest.ALL).toList();
    List<String> seen = new ArrayList<>();
    take.setOutput(c -> seen.add(Render.change(c) + " sees " + Render.fetch(take)));
    source.add(row("id", 6, "n", 15));
    assertThat(seen).containsExactly(
        "remove {id=3, n=30} sees [{id=1, n=10}, {id=2, n=20}]",
        "add {id=6, n=15} sees [{id=1, n=10}, {id=6, n=15}, {id=2, n=20}]");
  }

  @Test
  void anEditMovingARowOutOfTheWindowBringsInTheNextRow() {
    Catch out = take(3);
    source.edit(row("id", 1, "n", 10), row("id", 1, "n", 45));
    assertThat(out.take()).containsExactly("remove {id=1, n=10}", "add {id=4, n=40}");
    assertThat(out.fetch()).containsExactly("{id=2, n=20}", "{id=3, n=30}", "{id=4, n=40}");
  }

  @Test
  void anEditMovingTheBoundJustPastItselfStaysAnEdit() {
    Catch out = take(3);
    source.edit(row("id", 3, "n", 30), row("id", 3, "n", 35));
    assertThat(out.take()).containsExactly("edit {id=3, n=30} -> {id=3, n=35}");
    assertThat(out.fetch()).containsExactly("{id=1, n=10}", "{id=2, n=20}", "{id=3, n=35}");
  }

  @Test
  void anEditMovingARowIntoTheWindowEvictsTheBound() {
    Catch out = take(3);
    source.edit(row("id", 5, "n", 50), row("id", 5, "n", 1));
    assertThat(out.take()).containsExactly("remove {id=3, n=30}", "add {id=5, n=1}");
  }

  @Test
  void anEditInsideTheWindowStaysAnEditAndMovingTheBoundInwardsKeepsTheWindow() {
    Catch out = take(3);
    source.edit(row("id", 3, "n", 30), row("id", 3, "n", 5));
    assertThat(out.take()).containsExactly("edit {id=3, n=30} -> {id=3, n=5}");
    assertThat(out.fetch()).containsExactly("{id=3, n=5}", "{id=1, n=10}", "{id=2, n=20}");
  }

  @Test
  void aPartitionedTakeKeepsALimitPerPartition() {
    MemorySource s = Catches.source("c", "id", "p");
    for (int i = 1; i <= 6; i++) {
      s.add(row("id", i, "p", i % 2));
    }
    Take take = new Take(s.connect(Ordering.byKey(List.of("id"))), 2, List.of("p"));
    Catch out = catches.on(take);
    assertThat(out.fetch(FetchRequest.where(row("p", 0)))).containsExactly("{id=2, p=0}", "{id=4, p=0}");
    assertThat(out.fetch()).as("across partitions: the windows built so far").containsExactly("{id=2, p=0}",
        "{id=4, p=0}");
    assertThat(out.fetch(FetchRequest.where(row("p", 1)))).containsExactly("{id=1, p=1}", "{id=3, p=1}");
    assertThat(out.fetch()).containsExactly("{id=1, p=1}", "{id=2, p=0}", "{id=3, p=1}", "{id=4, p=0}");
    s.remove(row("id", 2, "p", 0));
    s.edit(row("id", 1, "p", 1), row("id", 1, "p", 0));
    assertThat(out.take()).containsExactly("remove {id=2, p=0}", "add {id=6, p=0}",
        "remove {id=1, p=1}", "add {id=5, p=1}", "remove {id=6, p=0}", "add {id=1, p=0}");
  }

  @Test
  void aFetchAcrossPartitionsBuildsNoWindowAndPushesForPartitionsNobodyFetchedAreDropped() {
    // A join above looking up the parents of a changed grandchild fetches without the partition (say by
    // author_id under a limit per issue_id): building a window per partition met would cost a query each.
    MemorySource s = Catches.source("c", "id", "p", "author");
    for (int i = 1; i <= 6; i++) {
      s.add(row("id", i, "p", i % 3, "author", 7));
    }
    Catch out = catches.on(new Take(s.connect(Ordering.byKey(List.of("id"))), 1, List.of("p")));
    assertThat(out.fetch(FetchRequest.where(row("p", 1)))).containsExactly("{id=1, p=1, author=7}");
    assertThat(out.fetch(FetchRequest.where(row("author", 7)))).containsExactly("{id=1, p=1, author=7}");
    s.add(row("id", 0, "p", 2, "author", 7)); // partition 2 has no window: nobody holds its rows
    s.add(row("id", -1, "p", 1, "author", 7));
    assertThat(out.take()).containsExactly("remove {id=1, p=1, author=7}", "add {id=-1, p=1, author=7}");
    assertThat(out.fetch(FetchRequest.where(row("p", 2)))).as("built now, from the input as it is")
        .containsExactly("{id=0, p=2, author=7}");
  }

  @Test
  void aPartitionFetchedByAnIntegerFindsTheWindowOfItsRealRows() {
    // A correlation may pair an int8 parent column with a float8 child one: the parent asks for p = 1, the
    // child rows say p = 1.0. One window, or pushes for the partition are dropped as never fetched.
    MemorySource s = Catches.source("c", "id", "p");
    s.add(row("id", 1, "p", 1.0));
    s.add(row("id", 2, "p", -0.0));
    Catch out = catches.on(new Take(s.connect(Ordering.byKey(List.of("id"))), 2, List.of("p")));
    assertThat(out.fetch(FetchRequest.where(row("p", 1)))).containsExactly("{id=1, p=1.0}");
    assertThat(out.fetch(FetchRequest.where(row("p", 0)))).containsExactly("{id=2, p=-0.0}");
    s.add(row("id", 3, "p", 1.0));
    s.add(row("id", 4, "p", 0.0));
    assertThat(out.take()).containsExactly("add {id=3, p=1.0}", "add {id=4, p=0.0}");
    assertThat(out.fetch(FetchRequest.where(row("p", 1)))).containsExactly("{id=1, p=1.0}", "{id=3, p=1.0}");
  }

  @Test
  void randomPushesKeepTheViewEqualToAFreshFetch() {
    for (int limit : new int[] {0, 1, 3}) {
      MemorySource s = Catches.source("t", "id", "n");
      MaterializedView view = new MaterializedView(new Take(s.connect(byN), limit));
      RandomTable.drive(s, new Random(3 + limit), 400, view);
    }
  }

  @Test
  void randomPushesKeepAPartitionedViewEqualToAFreshFetch() {
    MemorySource s = Catches.source("t", "id", "n");
    Take take = new Take(s.connect(Ordering.byKey(List.of("id"))), 2, List.of("n"));
    MaterializedView view = new MaterializedView(take);
    Random random = new Random(4);
    for (int step = 0; step < 400; step++) {
      String what = RandomTable.step(s, random, "n", 3, 12);
      view.assertMatchesFetch("step " + step + ": " + what);
    }
  }
}
