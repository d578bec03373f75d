package io.viewsync.core.ivm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Attaches to every parent row a relationship: the child rows whose child key columns equal its parent key
 * columns (one-to-many when the child columns are a foreign key to the parent, many-to-one the other way
 * round). Children are read lazily, by constraint, when the relationship is read. SQL equality: a parent with a
 * NULL in its key columns has no children.
 *
 * <p>Pushes from the parent carry the relationship; a parent edit that changes its key columns becomes Remove
 * then Add, since an Edit keeps relationships. Pushes from the child become a {@link Change.Child} for every
 * matching parent (a child edit that changes its key columns: Remove from the old parents, then Add to the
 * new). While the Remove half of such a split is pushed, the new row is hidden from fetch (the parent row, or the
 * child row from every relationship), so that each push is consistent with a fetch: the input already shows the
 * edit, but downstream has not been told of the Add yet. Stateless apart from its output and that row. Not an
 * {@link Operator}: it has two inputs.
 *
 * <p>Single-threaded: one pipeline is driven by one thread at a time.
 */
public final class Join implements Input {
  private final Input parent;
  private final Input child;
  private final List<String> parentKey;
  private final List<String> childKey;
  private final String relationship;
  private final Schema schema;
  private Output output = Output.NONE;
  private final boolean releasable;
  private Row hiddenParent; // the key of a parent row edited in, while its old row's Remove is pushed
  private Row hiddenChild; // the key of a child row edited in, while its old row's Removes are pushed

  public Join(Input parent, Input child, List<String> parentKey, List<String> childKey, String relationship) {
    if (parentKey.isEmpty() || parentKey.size() != childKey.size()) {
      throw new IllegalArgumentException("key columns must pair up: " + parentKey + " ↔ " + childKey);
    }
    this.parent = parent;
    this.child = child;
    this.parentKey = List.copyOf(parentKey);
    this.childKey = List.copyOf(childKey);
    this.relationship = relationship;
    this.schema = parent.schema().withRelationship(relationship, child.schema());
    this.releasable = this.parentKey.containsAll(parent.schema().key());
    parent.setOutput(this::pushParent);
    child.setOutput(this::pushChild);
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public void setOutput(Output output) {
    this.output = output;
  }

  @Override
  public Stream<Node> fetch(FetchRequest request) {
    Stream<Node> parents = parent.fetch(request);
    Row hide = hiddenParent;
    if (hide != null) {
      List<String> key = parent.schema().key();
      parents = parents.filter(n -> !n.row().select(key).equals(hide));
    }
    return parents.map(this::attach);
  }

  /** The relationship this join makes. */
  String relationship() {
    return relationship;
  }

  /** The parent side, for operators that look through joins to the relationships they test ({@link Exists}). */
  Input parent() {
    return parent;
  }

  /** Whether {@code childRow} belongs to {@code parentRow}'s relationship (SQL equality: no NULL matches). */
  boolean correlates(Row parentRow, Row childRow) {
    for (int i = 0; i < parentKey.size(); i++) {
      Object p = parentRow.get(parentKey.get(i));
      Object c = childRow.get(childKey.get(i));
      if (p == null || c == null || Values.compare(p, c) != 0) {
        return false;
      }
    }
    return true;
  }

  private Node attach(Node node) {
    Map<String, Supplier<Stream<Node>>> r = new HashMap<>(node.relationships());
    Row constraint = correlate(node.row(), parentKey, childKey);
    r.put(relationship, () -> {
      if (constraint == null) {
        return Stream.empty();
      }
      Stream<Node> children = child.fetch(FetchRequest.where(constraint));
      Row hide = hiddenChild; // as of when the relationship is read
      if (hide != null) {
        List<String> key = child.schema().key();
        children = children.filter(n -> !n.row().select(key).equals(hide));
      }
      return children;
    });
    return new Node(node.row(), r);
  }

  /** The constraint {@code to[i] = row[from[i]]}, or null if a value is NULL (nothing matches it). */
  private static Row correlate(Row row, List<String> from, List<String> to) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < from.size(); i++) {
      Object v = row.get(from.get(i));
      if (v == null) {
        return null;
      }
      m.put(to.get(i), v);
    }
    return Row.of(m);
  }

  /**
   * After a parent's Remove: its children are held by nobody downstream any more, if no other parent has the same
   * join values — certain when the join columns include the parent's key (one-to-many by the parent's key, the
   * common case). Lets a {@link Take} under the child drop that parent's window, so state follows the view.
   */
  private void releaseChildren(Row parentRow) {
    if (!releasable) {
      return;
    }
    Row constraint = correlate(parentRow, parentKey, childKey);
    if (constraint != null) {
      child.release(constraint);
    }
  }

  @Override
  public void release(Row constraint) {
    parent.release(constraint);
  }

  private void pushParent(Change change) {
    if (change instanceof Change.Add add) {
      output.push(new Change.Add(attach(add.node())));
    } else if (change instanceof Change.Remove remove) {
      output.push(new Change.Remove(attach(remove.node())));
      releaseChildren(remove.row());
    } else if (change instanceof Change.Edit edit) {
      if (edit.oldRow().select(parentKey).equals(edit.newRow().select(parentKey))) {
        output.push(edit);
      } else {
        Node oldNode = attach(Nodes.oldNode(parent, edit));
        Row previous = hiddenParent;
        hiddenParent = edit.newRow().select(parent.schema().key());
        try {
          output.push(new Change.Remove(oldNode));
        } finally {
          hiddenParent = previous;
        }
        releaseChildren(edit.oldRow());
        output.push(new Change.Add(attach(Nodes.lookup(parent, edit.newRow()))));
      }
    } else if (change instanceof Change.Child) {
      output.push(change);
    } else {
      throw new IllegalStateException("unknown change " + change);
    }
  }

  private void pushChild(Change change) {
    if (change instanceof Change.Edit edit && !edit.oldRow().select(childKey).equals(edit.newRow().select(childKey))) {
      Change.Remove removal = new Change.Remove(Nodes.oldNode(child, edit));
      Row previous = hiddenChild;
      hiddenChild = edit.newRow().select(child.schema().key());
      try {
        pushToParents(edit.oldRow(), removal);
      } finally {
        hiddenChild = previous;
      }
      pushToParents(edit.newRow(), new Change.Add(Nodes.lookup(child, edit.newRow())));
    } else if (change instanceof Change.Add || change instanceof Change.Remove || change instanceof Change.Edit
        || change instanceof Change.Child) {
      pushToParents(change.row(), change);
    } else {
      throw new IllegalStateException("unknown change " + change);
    }
  }

  private void pushToParents(Row childRow, Change change) {
    Row constraint = correlate(childRow, childKey, parentKey);
    if (constraint == null) {
      return;
    }
    // Collect first: pushing may change state the parent stream reads (a Take's bound).
    for (Node p : parent.fetch(FetchRequest.where(constraint)).toList()) {
      output.push(new Change.Child(p.row(), relationship, change));
    }
  }
}
