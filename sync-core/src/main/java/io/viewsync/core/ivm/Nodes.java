package io.viewsync.core.ivm;

/** Node look-ups shared by operators. Stateless; the pipeline's thread. */
final class Nodes {
  private Nodes() {}

  /** The node of {@code row} as {@code input} returns it now, found by key (an index look-up, not a scan). */
  static Node lookup(Input input, Row row) {
    if (input.schema().relationships().isEmpty()) {
      return Node.of(row);
    }
    return input.fetch(FetchRequest.where(row.select(input.schema().key()))).findFirst()
        .orElseThrow(() -> new IllegalStateException("row not in input: " + row));
  }

  /**
   * The node of the old row of an edit: its relationships are the new row's, which an Edit guarantees are
   * unchanged.
   */
  static Node oldNode(Input input, Change.Edit edit) {
    return new Node(edit.oldRow(), lookup(input, edit.newRow()).relationships());
  }
}
