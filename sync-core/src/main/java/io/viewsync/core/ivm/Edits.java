package io.viewsync.core.ivm;

/**
 * Splitting an edit by whether its old and new rows pass a test (a predicate, a bound): both pass, push the
 * edit; only the old one, Remove; only the new one, Add; neither, nothing. Stateless; the pipeline's thread.
 */
final class Edits {
  private Edits() {}

  /**
   * The push of an operator that keeps the rows passing {@code passes} and nothing else (Filter, Skip): an edit
   * split by whether its old and new rows pass, any other change passed on when its row passes.
   */
  static void filter(Change change, java.util.function.Predicate<Row> passes, Input input, Output output) {
    if (change instanceof Change.Edit edit) {
      split(edit, passes.test(edit.oldRow()), passes.test(edit.newRow()), input, output);
    } else if (change instanceof Change.Add || change instanceof Change.Remove || change instanceof Change.Child) {
      if (passes.test(change.row())) {
        output.push(change);
      }
    } else {
      throw new IllegalStateException("unknown change " + change);
    }
  }

  static void split(Change.Edit edit, boolean oldPasses, boolean newPasses, Input input, Output output) {
    if (oldPasses && newPasses) {
      output.push(edit);
    } else if (oldPasses) {
      output.push(new Change.Remove(Nodes.oldNode(input, edit)));
    } else if (newPasses) {
      output.push(new Change.Add(Nodes.lookup(input, edit.newRow())));
    }
  }
}
