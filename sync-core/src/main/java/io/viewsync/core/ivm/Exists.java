package io.viewsync.core.ivm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Keeps a parent row iff a test over the row and the emptiness of some of its relationships passes: plain
 * {@code EXISTS} ({@link #exists}) or {@code NOT EXISTS} ({@link #notExists}) of one relationship, or any
 * condition mixing columns and exists terms ({@link #where}: {@code a = 1 OR EXISTS(…)}). It keeps the size of
 * each tested relationship of every parent its input has shown it (counted once, then tracked through child
 * Add/Remove), so a child change costs no count; since the test sees only emptiness, the parent's fate can flip
 * only when a size crosses zero: then the parent is added or removed downstream, with the relationship as it is
 * after (Add) or was before (Remove) the change. An edit of the parent whose test flips becomes Remove or Add
 * ({@link Edits#split}).
 *
 * <p>Expects the relationships from {@link Join}s upstream (through Joins and Filters only), which guarantees an
 * Edit of the parent keeps the relationships, and tells which parents a child change reaches: a Join pushes one
 * child change to its parents one by one, and the input shows it to all of them from the first. A parent counted
 * for the first time meanwhile (a fetch from downstream, say a Take refilling its window) is counted as it was
 * before that change if the change is still to come to it, so that its own push applies the change once.
 *
 * <p>Single-threaded: one pipeline is driven by one thread at a time.
 */
public final class Exists implements Operator {
  /** The test: a row and, for each tested relationship by name, whether it is non-empty. */
  @FunctionalInterface
  public interface Test {
    boolean test(Row row, Predicate<String> nonEmpty);
  }

  private final Input input;
  private final List<String> relationships;
  private final Test test;
  private final Join[] joins; // the Join making each tested relationship
  private final Map<Row, int[]> sizes = new HashMap<>(); // parent key -> size per tested relationship
  private Output output = Output.NONE;
  private Change pending; // a child Add or Remove being pushed on to downstream, its parents not all told yet
  private int pendingIndex; // the tested relationship it is a change of

  private Exists(Input input, List<String> relationships, Test test) {
    for (String r : relationships) {
      if (!input.schema().relationships().containsKey(r)) {
        throw new IllegalArgumentException("no relationship " + r + " on " + input.schema().table());
      }
    }
    this.input = input;
    this.relationships = List.copyOf(relationships);
    this.test = test;
    this.joins = joins(input, this.relationships);
    input.setOutput(this);
  }

  private static Join[] joins(Input input, List<String> relationships) {
    Join[] out = new Join[relationships.size()];
    for (Input in = input; in instanceof Join || in instanceof Filter; ) {
      if (in instanceof Join j) {
        int i = relationships.indexOf(j.relationship());
        if (i >= 0 && out[i] == null) {
          out[i] = j;
        }
        in = j.parent();
      } else {
        in = ((Filter) in).input();
      }
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        throw new IllegalArgumentException("relationship " + relationships.get(i)
            + " does not come from a Join upstream (through Joins and Filters)");
      }
    }
    return out;
  }

  public static Exists exists(Input input, String relationship) {
    return new Exists(input, List.of(relationship), (row, nonEmpty) -> nonEmpty.test(relationship));
  }

  public static Exists notExists(Input input, String relationship) {
    return new Exists(input, List.of(relationship), (row, nonEmpty) -> !nonEmpty.test(relationship));
  }

  /** Keeps the rows passing {@code test}, which may ask about the emptiness of {@code relationships} only. */
  public static Exists where(Input input, List<String> relationships, Test test) {
    return new Exists(input, relationships, test);
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
  public void release(Row constraint) {
    input.release(constraint);
  }

  @Override
  public Stream<Node> fetch(FetchRequest request) {
    return input.fetch(request).filter(n -> keeps(n.row(), sizes(n)));
  }

  private boolean keeps(Row row, int[] s) {
    return test.test(row, name -> {
      int i = relationships.indexOf(name);
      if (i < 0) {
        throw new IllegalArgumentException("the test asked about " + name + ", not one of " + relationships);
      }
      return s[i] > 0;
    });
  }

  private Row key(Row row) {
    return row.select(input.schema().key());
  }

  private static int[] count(Node node, List<String> relationships) {
    int[] s = new int[relationships.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = (int) node.children(relationships.get(i)).count();
    }
    return s;
  }

  private int[] sizes(Node node) {
    return sizes.computeIfAbsent(key(node.row()), k -> countBeforePending(node));
  }

  /**
   * The sizes of a parent not counted before, as the pushes so far have shown it: while a child change is pushed
   * on, the input already shows it to parents the Join has not pushed it to yet; their push is still to come.
   */
  private int[] countBeforePending(Node node) {
    int[] s = count(node, relationships);
    if (pending != null && joins[pendingIndex].correlates(node.row(), pending.row())) {
      s[pendingIndex] += pending instanceof Change.Add ? -1 : 1;
    }
    return s;
  }

  private int[] sizes(Row row) {
    int[] s = sizes.get(key(row));
    return s != null ? s : sizes(Nodes.lookup(input, row));
  }

  @Override
  public void push(Change change) {
    if (change instanceof Change.Add add) {
      sizes.remove(key(add.row()));
      if (keeps(add.row(), sizes(add.node()))) {
        output.push(change);
      }
    } else if (change instanceof Change.Remove remove) {
      int[] known = sizes.remove(key(remove.row()));
      if (keeps(remove.row(), known != null ? known : count(remove.node(), relationships))) {
        output.push(change);
      }
    } else if (change instanceof Change.Edit edit) {
      int[] s = sizes(edit.newRow());
      Edits.split(edit, keeps(edit.oldRow(), s), keeps(edit.newRow(), s), input, output);
    } else if (change instanceof Change.Child child) {
      pushChild(child);
    } else {
      throw new IllegalStateException("unknown change " + change);
    }
  }

  private void pushChild(Change.Child child) {
    Change inner = child.change();
    int i = relationships.indexOf(child.relationship());
    if (i < 0 || !(inner instanceof Change.Add || inner instanceof Change.Remove)) {
      if (keeps(child.row(), sizes(child.row()))) {
        output.push(child);
      }
      return;
    }
    boolean added = inner instanceof Change.Add;
    int[] known = sizes.get(key(child.row()));
    // Without known sizes, count now: the input already shows the change.
    int[] after = known != null ? known.clone() : count(Nodes.lookup(input, child.row()), relationships);
    if (known != null) {
      after[i] += added ? 1 : -1;
    }
    int[] before = after.clone();
    before[i] -= added ? 1 : -1;
    sizes.put(key(child.row()), after);
    boolean was = keeps(child.row(), before);
    boolean is = keeps(child.row(), after);
    Change previous = pending;
    int previousIndex = pendingIndex;
    pending = inner;
    pendingIndex = i;
    try {
      if (was && is) {
        output.push(child);
      } else if (is) {
        output.push(new Change.Add(Nodes.lookup(input, child.row())));
      } else if (was) {
        // The relationship before the change: empty, or just the removed child (a flip means the size crossed 0).
        Node now = Nodes.lookup(input, child.row());
        Node beforeNode = withRelationship(now, child.relationship(),
            added ? List.of() : List.of(((Change.Remove) inner).node()));
        output.push(new Change.Remove(beforeNode));
      }
    } finally {
      pending = previous;
      pendingIndex = previousIndex;
    }
  }

  private static Node withRelationship(Node node, String relationship, List<Node> children) {
    Map<String, Supplier<Stream<Node>>> r = new HashMap<>(node.relationships());
    r.put(relationship, children::stream);
    return new Node(node.row(), r);
  }
}
