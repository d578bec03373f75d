package io.viewsync.core.ivm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Keeps a parent row iff its relationship is non-empty ({@code EXISTS}) or empty ({@code NOT EXISTS}). It keeps
 * the size of the relationship of every parent its input has shown it (counted once, then tracked through
 * child Add/Remove), so a child change costs no count unless it flips emptiness: then the parent is added or
 * removed downstream, with the relationship as it is after (Add) or was before (Remove) the change.
 *
 * <p>Expects the relationship's child changes from a {@link Join} directly upstream (possibly through Filters
 * on the parent), which guarantees an Edit of the parent keeps the relationship.
 *
 * <p>Single-threaded: one pipeline is driven by one thread at a time.
 */
public final class Exists implements Operator {
  private final Input input;
  private final String relationship;
  private final boolean negated;
  private final Map<Row, Integer> sizes = new HashMap<>(); // parent key -> relationship size
  private Output output = Output.NONE;

  private Exists(Input input, String relationship, boolean negated) {
    if (!input.schema().relationships().containsKey(relationship)) {
      throw new IllegalArgumentException("no relationship " + relationship + " on " + input.schema().table());
    }
    this.input = input;
    this.relationship = relationship;
    this.negated = negated;
    input.setOutput(this);
  }

  public static Exists exists(Input input, String relationship) {
    return new Exists(input, relationship, false);
  }

  public static Exists notExists(Input input, String relationship) {
    return new Exists(input, relationship, true);
  }

  @Override
  public Schema schema() {
    return input.schema();
  }

  @Override
  public void setOutput(Output output) {
    this.output = output;
  }

  @Override
  public Stream<Node> fetch(FetchRequest request) {
    return input.fetch(request).filter(n -> keeps(size(n)));
  }

  private boolean keeps(int size) {
    return (size > 0) != negated;
  }

  private Row key(Row row) {
    return row.select(input.schema().key());
  }

  private int size(Node node) {
    return sizes.computeIfAbsent(key(node.row()), k -> (int) node.children(relationship).count());
  }

  private int size(Row row) {
    Integer s = sizes.get(key(row));
    return s != null ? s : size(Nodes.lookup(input, row));
  }

  @Override
  public void push(Change change) {
    if (change instanceof Change.Add add) {
      sizes.remove(key(add.row()));
      if (keeps(size(add.node()))) {
        output.push(change);
      }
    } else if (change instanceof Change.Remove remove) {
      int size = sizes.containsKey(key(remove.row())) ? sizes.remove(key(remove.row()))
          : (int) remove.node().children(relationship).count();
      if (keeps(size)) {
        output.push(change);
      }
    } else if (change instanceof Change.Edit) {
      if (keeps(size(change.row()))) {
        output.push(change);
      }
    } else if (change instanceof Change.Child child) {
      pushChild(child);
    } else {
      throw new IllegalStateException("unknown change " + change);
    }
  }

  private void pushChild(Change.Child child) {
    Change inner = child.change();
    if (!child.relationship().equals(relationship)
        || !(inner instanceof Change.Add || inner instanceof Change.Remove)) {
      if (keeps(size(child.row()))) {
        output.push(child);
      }
      return;
    }
    boolean added = inner instanceof Change.Add;
    Integer known = sizes.get(key(child.row()));
    // Without a known size, count now: the input already shows the change.
    int after = known != null ? known + (added ? 1 : -1) : (int) Nodes.lookup(input, child.row())
        .children(relationship).count();
    sizes.put(key(child.row()), after);
    if (after != (added ? 1 : 0)) {
      if (keeps(after)) {
        output.push(child);
      }
      return;
    }
    Node now = Nodes.lookup(input, child.row());
    boolean nowKept = keeps(after);
    if (nowKept) {
      output.push(new Change.Add(now));
    } else {
      // The relationship before the change: empty, or just the removed child.
      Node before = withRelationship(now, added ? Stream.empty() : Stream.of(((Change.Remove) inner).node()));
      output.push(new Change.Remove(before));
    }
  }

  private Node withRelationship(Node node, Stream<Node> children) {
    Map<String, Supplier<Stream<Node>>> r = new HashMap<>(node.relationships());
    List<Node> list = children.toList();
    r.put(relationship, list::stream);
    return new Node(node.row(), r);
  }
}
