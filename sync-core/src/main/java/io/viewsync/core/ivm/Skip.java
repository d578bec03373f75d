package io.viewsync.core.ivm;

import java.util.stream.Stream;

/**
 * Keeps the rows after a bound in the input's order (a query's {@code start} cursor): rows before the bound are
 * dropped, and the bound row itself too when the bound is exclusive. An edit that crosses the bound becomes
 * Remove or Add. Stateless apart from its output. Single-threaded: one pipeline is driven by one thread at a
 * time.
 */
public final class Skip implements Operator {
  private final Input input;
  private final Row bound;
  private final boolean exclusive;
  private final Ordering ordering;
  private Output output = Output.NONE;

  public Skip(Input input, Row bound, boolean exclusive) {
    this.input = input;
    this.bound = bound;
    this.exclusive = exclusive;
    this.ordering = input.schema().ordering();
    input.setOutput(this);
  }

  private boolean passes(Row row) {
    int c = ordering.compare(row, bound);
    return c > 0 || (c == 0 && !exclusive);
  }

  @Override
  public Schema schema() {
    return input.schema();
  }

  @Override
  public Stream<Node> fetch(FetchRequest request) {
    if (request.reverse()) {
      return input.fetch(request).takeWhile(n -> passes(n.row()));
    }
    FetchRequest.Start own = new FetchRequest.Start(bound,
        exclusive ? FetchRequest.Basis.AFTER : FetchRequest.Basis.AT);
    FetchRequest.Start start = request.start();
    if (start == null || !passes(start.row())
        || (ordering.compare(start.row(), bound) == 0 && start.basis() == FetchRequest.Basis.AT)) {
      start = own; // the later of the two starts
    }
    return input.fetch(new FetchRequest(request.constraint(), start, false));
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
  public void push(Change change) {
    Edits.filter(change, this::passes, input, output);
  }
}
