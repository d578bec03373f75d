package io.viewsync.core.ivm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The output the randomized checks use: hydrates from a fetch, then applies every pushed change to its own
 * tree, asserting the push invariants (add only absent rows, remove/edit/child only present ones). Its
 * {@link #render} must equal a fresh fetch after every change.
 */
final class MaterializedView implements Output {
  private static final class Tree {
    Row row;
    final Map<String, List<Tree>> children = new TreeMap<>();
  }

  private final Input input;
  private final List<Tree> roots;

  MaterializedView(Input input) {
    this.input = input;
    input.setOutput(this);
    roots = new ArrayList<>(input.fetch(FetchRequest.ALL).map(n -> expand(n, input.schema())).toList());
  }

  private static Tree expand(Node n, Schema schema) {
    Tree t = new Tree();
    t.row = n.row();
    n.relationships().forEach((name, s) -> t.children.put(name,
        new ArrayList<>(s.get().map(c -> expand(c, schema.relationships().get(name))).toList())));
    return t;
  }

  @Override
  public void push(Change change) {
    apply(roots, input.schema(), change);
  }

  private static void apply(List<Tree> list, Schema schema, Change c) {
    if (c instanceof Change.Add add) {
      assertThat(find(list, schema, add.row())).as("add of a present row %s", add.row()).isNull();
      insert(list, schema, expand(add.node(), schema));
    } else if (c instanceof Change.Remove remove) {
      list.remove(present(list, schema, remove.row()));
    } else if (c instanceof Change.Edit edit) {
      Tree t = present(list, schema, edit.oldRow());
      assertThat(t.row).as("edit's old row").isEqualTo(edit.oldRow());
      list.remove(t);
      t.row = edit.newRow();
      insert(list, schema, t);
    } else if (c instanceof Change.Child child) {
      Tree t = present(list, schema, child.row());
      apply(t.children.get(child.relationship()), schema.relationships().get(child.relationship()),
          child.change());
    } else {
      throw new IllegalStateException("unknown change " + c);
    }
  }

  private static Tree find(List<Tree> list, Schema schema, Row row) {
    Row key = row.select(schema.key());
    return list.stream().filter(t -> t.row.select(schema.key()).equals(key)).findFirst().orElse(null);
  }

  private static Tree present(List<Tree> list, Schema schema, Row row) {
    Tree t = find(list, schema, row);
    assertThat(t).as("change of an absent row %s", row).isNotNull();
    return t;
  }

  private static void insert(List<Tree> list, Schema schema, Tree t) {
    int i = 0;
    while (i < list.size() && schema.ordering().compare(list.get(i).row, t.row) < 0) {
      i++;
    }
    list.add(i, t);
  }

  List<String> render() {
    return roots.stream().map(MaterializedView::render).toList();
  }

  private static String render(Tree t) {
    StringBuilder sb = new StringBuilder(t.row.toString());
    t.children.forEach((name, children) -> sb.append(name)
        .append(children.stream().map(MaterializedView::render).collect(Collectors.joining(", ", "[", "]"))));
    return sb.toString();
  }

  /** Asserts that the view equals what its input returns now. */
  void assertMatchesFetch(String after) {
    assertThat(render()).as("view after %s", after).isEqualTo(Render.fetch(input));
  }
}
