package io.viewsync.core.ivm;

/**
 * A change pushed from an input to its output. Closed: switch over it with an instanceof chain that ends in
 * {@link IllegalStateException}. Immutable; the pipeline's thread.
 */
public sealed interface Change permits Change.Add, Change.Remove, Change.Edit, Change.Child {

  /** The row the change is about (for an edit, the new row). */
  Row row();

  /** A row, with its relationships, now in the output. */
  record Add(Node node) implements Change {
    @Override
    public Row row() {
      return node.row();
    }
  }

  /** A row, with its relationships as they were, no longer in the output. */
  record Remove(Node node) implements Change {
    @Override
    public Row row() {
      return node.row();
    }
  }

  /**
   * A row changed in place: same key, and it stays in the output. Its relationships are unchanged (an operator
   * that would change them, e.g. a Join whose join columns change, pushes Remove then Add instead). Its position
   * in the order may change.
   */
  record Edit(Row oldRow, Row newRow) implements Change {
    @Override
    public Row row() {
      return newRow;
    }
  }

  /** {@code change} happened inside {@code relationship} of the output row {@code row}. */
  record Child(Row row, String relationship, Change change) implements Change {}
}
