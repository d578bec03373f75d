package io.viewsync.core.ivm;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An input in front of another that records what is asked of it: each fetch request and how many rows were read
 * from the streams it returned. For tests of what an operator asks its input (constraints pushed down, rows read).
 * One test thread.
 */
final class Spy implements Input {
  private final Input input;
  final List<FetchRequest> requests = new ArrayList<>();
  int rowsRead;

  Spy(Input input) {
    this.input = input;
  }

  @Override
  public Schema schema() {
    return input.schema();
  }

  @Override
  public Stream<Node> fetch(FetchRequest request) {
    requests.add(request);
    return input.fetch(request).peek(n -> rowsRead++);
  }

  @Override
  public void setOutput(Output output) {
    input.setOutput(output);
  }
}
