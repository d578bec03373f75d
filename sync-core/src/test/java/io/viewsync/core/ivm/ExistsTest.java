package io.viewsync.core.ivm;

import static io.viewsync.core.ivm.Catches.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ExistsTest {
  @RegisterExtension final Catches catches = new Catches();

  private final MemorySource issues = Catches.source("issue", "id", "n");
  private final MemorySource labels = Catches.source("label", "id", "issue");
  private final List<String> byId = List.of("id");

  ExistsTest() {
    issues.add(row("id", 1, "n", 0));
    issues.add(row("id", 2, "n", 0));
    labels.add(row("id", 10, "issue", 1));
  }

  private Join join() {
    return new Join(issues.connect(Ordering.byKey(byId)), labels.connect(Ordering.byKey(byId)), List.of("id"),
        List.of("issue"), "labels");
  }

  @Test
  void existsKeepsParentsWithChildrenAndFlipsOnTheFirstAndLastChild() {
    Catch out = catches.on(Exists.exists(join(), "labels"));
    assertThat(out.fetch()).containsExactly("{id=1, n=0}labels[{id=10, issue=1}]");
    labels.add(row("id", 11, "issue", 2));
    labels.add(row("id", 12, "issue", 2));
    labels.remove(row("id", 11, "issue", 2));
    labels.remove(row("id", 12, "issue", 2));
    assertThat(out.take()).containsExactly("add {id=2, n=0}labels[{id=11, issue=2}]",
        "child {id=2, n=0} labels: add {id=12, issue=2}", "child {id=2, n=0} labels: remove {id=11, issue=2}",
        "remove {id=2, n=0}labels[{id=12, issue=2}]");
  }

  @Test
  void notExistsKeepsParentsWithoutChildrenAndFlipsTheOtherWay() {
    Catch out = catches.on(Exists.notExists(join(), "labels"));
    assertThat(out.fetch()).containsExactly("{id=2, n=0}labels[]");
    labels.add(row("id", 11, "issue", 2));
    labels.remove(row("id", 10, "issue", 1));
    assertThat(out.take()).containsExactly("remove {id=2, n=0}labels[]", "add {id=1, n=0}labels[]");
  }

  @Test
  void parentPushesPassOnlyWhenTheRelationshipQualifies() {
    Catch out = catches.on(Exists.exists(join(), "labels"));
    out.fetch();
    issues.add(row("id", 3, "n", 0));
    issues.edit(row("id", 1, "n", 0), row("id", 1, "n", 5));
    issues.edit(row("id", 2, "n", 0), row("id", 2, "n", 5));
    issues.remove(row("id", 1, "n", 5));
    assertThat(out.take()).containsExactly("edit {id=1, n=0} -> {id=1, n=5}",
        "remove {id=1, n=5}labels[{id=10, issue=1}]");
  }

  @Test
  void aChildChangeForAParentNeverFetchedCountsFromTheInput() {
    Catch out = catches.on(Exists.exists(join(), "labels"));
    labels.add(row("id", 11, "issue", 1));
    assertThat(out.take()).containsExactly("child {id=1, n=0} labels: add {id=11, issue=1}");
  }

  @Test
  void randomPushesKeepExistsAndNotExistsViewsEqualToAFreshFetch() {
    for (boolean negated : new boolean[] {false, true}) {
      MemorySource parents = Catches.source("p", "id", "n");
      MemorySource children = Catches.source("c", "id", "n");
      Join join = new Join(parents.connect(Ordering.byKey(byId)), children.connect(Ordering.byKey(byId)),
          List.of("n"), List.of("n"), "same");
      MaterializedView view = new MaterializedView(negated ? Exists.notExists(join, "same")
          : Exists.exists(join, "same"));
      Random random = new Random(negated ? 7 : 6);
      for (int step = 0; step < 400; step++) {
        String what = RandomTable.step(random.nextBoolean() ? parents : children, random, "n", 4, 10);
        view.assertMatchesFetch("step " + step + ": " + what);
      }
    }
  }
}
