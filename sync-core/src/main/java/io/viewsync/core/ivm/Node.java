package io.viewsync.core.ivm;

import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A row and its relationships. Each relationship is a supplier of a fresh, ordered stream of child nodes,
 * read lazily from the child input at the time it is called: a consumer that keeps a node must read what it
 * needs during the fetch or push that handed it the node. Immutable; the pipeline's thread.
 */
public record Node(Row row, Map<String, Supplier<Stream<Node>>> relationships) {
  public Node {
    relationships = Map.copyOf(relationships);
  }

  public static Node of(Row row) {
    return new Node(row, Map.of());
  }

  public Stream<Node> children(String relationship) {
    Supplier<Stream<Node>> s = relationships.get(relationship);
    if (s == null) {
      throw new IllegalArgumentException("no relationship " + relationship + " on " + row);
    }
    return s.get();
  }
}
