package io.viewsync.core.ivm;

import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Renders nodes and changes as short strings for assertions, reading relationships eagerly. */
final class Render {
  private Render() {}

  static String node(Node n) {
    StringBuilder sb = new StringBuilder(n.row().toString());
    new TreeMap<>(n.relationships()).forEach((name, children) -> sb.append(name)
        .append(children.get().map(Render::node).collect(Collectors.joining(", ", "[", "]"))));
    return sb.toString();
  }

  static List<String> fetch(Input input) {
    return fetch(input, FetchRequest.ALL);
  }

  static List<String> fetch(Input input, FetchRequest request) {
    return input.fetch(request).map(Render::node).toList();
  }

  static String change(Change c) {
    if (c instanceof Change.Add add) {
      return "add " + node(add.node());
    } else if (c instanceof Change.Remove remove) {
      return "remove " + node(remove.node());
    } else if (c instanceof Change.Edit edit) {
      return "edit " + edit.oldRow() + " -> " + edit.newRow();
    } else if (c instanceof Change.Child child) {
      return "child " + child.row() + " " + child.relationship() + ": " + change(child.change());
    }
    throw new IllegalStateException("unknown change " + c);
  }
}
