package io.viewsync.core.ivm;

import static io.viewsync.core.ivm.Catches.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JoinTest {
  @RegisterExtension final Catches catches = new Catches();

  private final MemorySource issues = Catches.source("issue", "id", "owner");
  private final MemorySource comments = Catches.source("comment", "id", "issue");
  private final List<String> byId = List.of("id");

  JoinTest() {
    issues.add(row("id", 1, "owner", 10));
    issues.add(row("id", 2, "owner", 10));
    issues.add(row("id", 3, "owner", null));
    comments.add(row("id", 100, "issue", 1));
    comments.add(row("id", 101, "issue", 1));
    comments.add(row("id", 102, "issue", 2));
  }

  private Catch issuesWithComments() {
    return catches.on(new Join(issues.connect(Ordering.byKey(byId)), comments.connect(Ordering.byKey(byId)),
        List.of("id"), List.of("issue"), "comments"));
  }

  @Test
  void oneToManyFetchAttachesEachParentsChildren() {
    assertThat(issuesWithComments().fetch()).containsExactly(
        "{id=1, owner=10}comments[{id=100, issue=1}, {id=101, issue=1}]",
        "{id=2, owner=10}comments[{id=102, issue=2}]",
        "{id=3, owner=null}comments[]");
  }

  @Test
  void manyToOneFetchAttachesTheOneParentAndNullMatchesNothing() {
    MemorySource owners = Catches.source("user", "id", "name");
    owners.add(row("id", 10, "name", "ann"));
    Catch out = catches.on(new Join(issues.connect(Ordering.byKey(byId)), owners.connect(Ordering.byKey(byId)),
        List.of("owner"), List.of("id"), "owner"));
    assertThat(out.fetch()).containsExactly("{id=1, owner=10}owner[{id=10, name=ann}]",
        "{id=2, owner=10}owner[{id=10, name=ann}]", "{id=3, owner=null}owner[]");
    owners.edit(row("id", 10, "name", "ann"), row("id", 10, "name", "bo"));
    assertThat(out.take()).containsExactly(
        "child {id=1, owner=10} owner: edit {id=10, name=ann} -> {id=10, name=bo}",
        "child {id=2, owner=10} owner: edit {id=10, name=ann} -> {id=10, name=bo}");
  }

  @Test
  void childPushesBecomeChildChangesOfEveryMatchingParent() {
    Catch out = issuesWithComments();
    comments.add(row("id", 103, "issue", 2));
    comments.add(row("id", 104, "issue", 9));
    comments.remove(row("id", 100, "issue", 1));
    assertThat(out.take()).containsExactly("child {id=2, owner=10} comments: add {id=103, issue=2}",
        "child {id=1, owner=10} comments: remove {id=100, issue=1}");
  }

  @Test
  void aChildMovingToAnotherParentIsRemovedFromOneAndAddedToTheOther() {
    Catch out = issuesWithComments();
    comments.edit(row("id", 102, "issue", 2), row("id", 102, "issue", 1));
    assertThat(out.take()).containsExactly("child {id=2, owner=10} comments: remove {id=102, issue=2}",
        "child {id=1, owner=10} comments: add {id=102, issue=1}");
  }

  @Test
  void parentPushesCarryTheRelationship() {
    Catch out = issuesWithComments();
    comments.add(row("id", 105, "issue", 4));
    assertThat(out.take()).isEmpty();
    issues.add(row("id", 4, "owner", 11));
    issues.edit(row("id", 4, "owner", 11), row("id", 4, "owner", 12));
    issues.remove(row("id", 2, "owner", 10));
    assertThat(out.take()).containsExactly("add {id=4, owner=11}comments[{id=105, issue=4}]",
        "edit {id=4, owner=11} -> {id=4, owner=12}", "remove {id=2, owner=10}comments[{id=102, issue=2}]");
  }

  @Test
  void aParentEditChangingItsJoinColumnsIsRemoveThenAdd() {
    MemorySource owners = Catches.source("user", "id", "name");
    owners.add(row("id", 10, "name", "ann"));
    Catch out = catches.on(new Join(issues.connect(Ordering.byKey(byId)), owners.connect(Ordering.byKey(byId)),
        List.of("owner"), List.of("id"), "owner"));
    issues.edit(row("id", 3, "owner", null), row("id", 3, "owner", 10));
    assertThat(out.take()).containsExactly("remove {id=3, owner=null}owner[]",
        "add {id=3, owner=10}owner[{id=10, name=ann}]");
  }

  @Test
  void aSelfJoinSeesEachChangeOncePerSide() {
    MemorySource nodes = Catches.source("node", "id", "parent");
    Input parents = nodes.connect(Ordering.byKey(byId));
    Input children = nodes.connect(Ordering.byKey(byId));
    MaterializedView view = new MaterializedView(new Join(parents, children, List.of("id"), List.of("parent"),
        "children"));
    nodes.add(row("id", 1, "parent", 1));
    view.assertMatchesFetch("a node that is its own parent");
    assertThat(view.render()).containsExactly("{id=1, parent=1}children[{id=1, parent=1}]");
  }

  @Test
  void randomPushesOnBothSidesKeepTheViewEqualToAFreshFetch() {
    MemorySource parents = Catches.source("p", "id", "n");
    MemorySource children = Catches.source("c", "id", "n");
    Ordering byN = Ordering.of(List.of(Ordering.desc("n")), byId);
    MaterializedView view = new MaterializedView(new Join(parents.connect(byN), children.connect(byN),
        List.of("n"), List.of("n"), "same"));
    Random random = new Random(5);
    for (int step = 0; step < 400; step++) {
      String what = RandomTable.step(random.nextBoolean() ? parents : children, random, "n", 4, 10);
      view.assertMatchesFetch("step " + step + ": " + what);
    }
  }

  @Test
  void randomPushesKeepARelatedViewWithAPerParentLimitEqualToAFreshFetch() {
    MemorySource parents = Catches.source("p", "id", "n");
    MemorySource children = Catches.source("c", "id", "n");
    Ordering byN = Ordering.of(List.of(Ordering.asc("n")), byId);
    Take firstTwo = new Take(children.connect(Ordering.byKey(byId)), 2, List.of("n"));
    MaterializedView view = new MaterializedView(Exists.exists(new Join(
        new Filter(parents.connect(byN), r -> r.get("n") != null), firstTwo, List.of("n"), List.of("n"), "two"),
        "two"));
    Random random = new Random(8);
    for (int step = 0; step < 600; step++) {
      String what = RandomTable.step(random.nextBoolean() ? parents : children, random, "n", 4, 10);
      view.assertMatchesFetch("step " + step + ": " + what);
    }
  }

  @Test
  void aParentThatLeavesReleasesTheWindowOfItsChildrenAndAGrandchildChangeAsksOnlyTheWindowsKept() {
    MemorySource issues = Catches.source("issue", "id", "n");
    MemorySource comments = Catches.source("comment", "id", "issue", "author");
    MemorySource users = Catches.source("user", "id", "name");
    users.add(row("id", 7, "name", "ann"));
    for (int i = 1; i <= 50; i++) {
      issues.add(row("id", i, "n", 0));
      comments.add(row("id", 100 + i, "issue", i, "author", 7));
    }
    Input commentsIn = comments.connect(Ordering.byKey(List.of("id")));
    Spy counting = new Spy(commentsIn);
    Take firstComment = new Take(counting, 1, List.of("issue"));
    Join withAuthor = new Join(firstComment, users.connect(Ordering.byKey(List.of("id"))), List.of("author"),
        List.of("id"), "author");
    Take topTwo = new Take(issues.connect(Ordering.byKey(List.of("id"))), 2);
    Join view = new Join(topTwo, withAuthor, List.of("id"), List.of("issue"), "comments");
    MaterializedView m = new MaterializedView(view);
    assertThat(firstComment.windowCount()).as("the windows of the two issues shown").isEqualTo(2);

    issues.remove(row("id", 1, "n", 0)); // issue 3 enters, issue 1 leaves: its window goes
    m.assertMatchesFetch("issue 1 removed");
    assertThat(firstComment.windowCount()).isEqualTo(2);

    // The user's 50 comments: the lookup of their parents asks the two windows, not all 50 comments.
    counting.rowsRead = 0;
    users.edit(row("id", 7, "name", "ann"), row("id", 7, "name", "bob"));
    assertThat(counting.rowsRead).as("comment rows read to find the renamed user's comments in view").isLessThan(10);
    m.assertMatchesFetch("user renamed");
    assertThat(firstComment.windowCount()).as("no window built for the user's other comments").isEqualTo(2);
  }
}
