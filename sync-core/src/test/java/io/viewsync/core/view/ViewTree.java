package io.viewsync.core.view;

import io.viewsync.core.ivm.Change;
import io.viewsync.core.ivm.FetchRequest;
import io.viewsync.core.ivm.Input;
import io.viewsync.core.ivm.Node;
import io.viewsync.core.ivm.Output;
import io.viewsync.core.ivm.ResultNode;
import io.viewsync.core.ivm.Row;
import io.viewsync.core.ivm.Schema;
import io.viewsync.core.query.Query;
import io.viewsync.core.query.Related;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A query's result tree kept by applying a pipeline's pushes, as a client that materializes the whole tree would:
 * hydrated from a fetch, then every change applied in place, asserting the push contract (add only absent rows;
 * remove, edit and child only present ones). Walks the query's related names only (exists relationships are
 * hidden). {@link #result()} must equal the query evaluated from scratch after every change. One thread.
 */
public final class ViewTree implements Output {
  private static final class Tree {
    Row row;
    final Map<String, List<Tree>> children = new LinkedHashMap<>();
  }

  private final Query query;
  private final Schema schema;
  private final List<Tree> roots;
  private Output next = Output.NONE;

  public ViewTree(Input input, Query query) {
    this.query = query;
    this.schema = input.schema();
    input.setOutput(this);
    roots = new ArrayList<>(input.fetch(FetchRequest.ALL).map(n -> expand(n, query, schema)).toList());
  }

  /** Also passes every change on to {@code next} (after applying it here). */
  public ViewTree then(Output output) {
    this.next = output;
    return this;
  }

  private static Tree expand(Node n, Query q, Schema s) {
    Tree t = new Tree();
    t.row = n.row();
    for (Related r : q.related()) {
      t.children.put(r.name(), new ArrayList<>(n.children(r.name())
          .map(c -> expand(c, r.query(), s.relationships().get(r.name()))).toList()));
    }
    return t;
  }

  @Override
  public void push(Change change) {
    apply(roots, query, schema, change);
    next.push(change);
  }

  private static void apply(List<Tree> list, Query q, Schema s, Change c) {
    if (c instanceof Change.Add add) {
      if (find(list, s, add.row()) != null) {
        throw new AssertionError("add of a present row " + add.row());
      }
      insert(list, s, expand(add.node(), q, s));
    } else if (c instanceof Change.Remove remove) {
      list.remove(present(list, s, remove.row()));
    } else if (c instanceof Change.Edit edit) {
      Tree t = present(list, s, edit.oldRow());
      if (!t.row.equals(edit.oldRow())) {
        throw new AssertionError("edit's old row " + edit.oldRow() + " is not the row held " + t.row);
      }
      list.remove(t);
      t.row = edit.newRow();
      insert(list, s, t);
    } else if (c instanceof Change.Child child) {
      Tree t = present(list, s, child.row());
      for (Related r : q.related()) {
        if (r.name().equals(child.relationship())) {
          apply(t.children.get(r.name()), r.query(), s.relationships().get(r.name()), child.change());
        }
      }
    } else {
      throw new IllegalStateException("unknown change " + c);
    }
  }

  private static Tree find(List<Tree> list, Schema s, Row row) {
    Row key = row.select(s.key());
    return list.stream().filter(t -> t.row.select(s.key()).equals(key)).findFirst().orElse(null);
  }

  private static Tree present(List<Tree> list, Schema s, Row row) {
    Tree t = find(list, s, row);
    if (t == null) {
      throw new AssertionError("change of an absent row " + row);
    }
    return t;
  }

  private static void insert(List<Tree> list, Schema s, Tree t) {
    int i = 0;
    while (i < list.size() && s.ordering().compare(list.get(i).row, t.row) < 0) {
      i++;
    }
    list.add(i, t);
  }

  /** The tree now, comparable with {@link io.viewsync.core.ivm.NaiveEvaluator}'s result. */
  public List<ResultNode> result() {
    return result(roots, query, schema);
  }

  private static List<ResultNode> result(List<Tree> list, Query q, Schema s) {
    List<ResultNode> out = new ArrayList<>();
    for (Tree t : list) {
      Map<String, List<ResultNode>> related = new LinkedHashMap<>();
      for (Related r : q.related()) {
        related.put(r.name(), result(t.children.get(r.name()), r.query(), s.relationships().get(r.name())));
      }
      out.add(new ResultNode(q.table(), t.row.select(s.key()), t.row, related));
    }
    return out;
  }

  /** A fresh fetch of {@code input} as result nodes, walking only {@code query}'s related names. */
  public static List<ResultNode> fetch(Input input, Query query) {
    return result(input.fetch(FetchRequest.ALL).map(n -> expand(n, query, input.schema())).toList(), query,
        input.schema());
  }
}
