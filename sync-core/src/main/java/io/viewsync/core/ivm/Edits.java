package io.viewsync.core.ivm;

/**
 * Splitting an edit by whether its old and new rows pass a test (a predicate, a bound): both pass, push the
 * edit; only the old one, Remove; only the new one, Add; neither, nothing. Stateless; the pipeline's thread.
 */
final class Edits {
  private Edits() {}

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
