package io.viewsync.core.ivm;

import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Keeps the rows that pass a predicate. Stateless apart from its output; an edit whose predicate flips becomes
 * Remove or Add ({@link Edits#split}). Single-threaded: one pipeline is driven by one thread at a time.
 */
public final class Filter implements Operator {
  private final Input input;
  private final Predicate<Row> predicate;
  private Output output = Output.NONE;

  public Filter(Input input, Predicate<Row> predicate) {
    this.input = input;
    this.predicate = predicate;
    input.setOutput(this);
  }

  /** The filtered input, for operators that look through filters ({@link Exists}). */
  Input input() {
    return input;
  }

  @Override
  public Schema schema() {
    return input.schema();
  }

  @Override
  public Stream<Node> fetch(FetchRequest request) {
    return input.fetch(request).filter(n -> predicate.test(n.row()));
  }

  @Override
  public void setOutput(Output output) {
    this.output = output;
  }

  @Override
  public void push(Change change) {
    if (change instanceof Change.Edit edit) {
      Edits.split(edit, predicate.test(edit.oldRow()), predicate.test(edit.newRow()), input, output);
    } else if (change instanceof Change.Add || change instanceof Change.Remove || change instanceof Change.Child) {
      if (predicate.test(change.row())) {
        output.push(change);
      }
    } else {
      throw new IllegalStateException("unknown change " + change);
    }
  }
}
