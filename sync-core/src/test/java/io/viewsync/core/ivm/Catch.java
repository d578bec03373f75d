package io.viewsync.core.ivm;

import java.util.ArrayList;
import java.util.List;

/**
 * The recording output of the operator test harness: renders every pushed change at once (relationships are
 * read during the push, as the contract requires). Tests {@link #take} what they expect; {@link Catches} fails
 * the test if anything is left over.
 */
final class Catch implements Output {
  private final Input input;
  private final List<String> pushed = new ArrayList<>();

  Catch(Input input) {
    this.input = input;
    input.setOutput(this);
  }

  @Override
  public void push(Change change) {
    pushed.add(Render.change(change));
  }

  List<String> fetch() {
    return Render.fetch(input);
  }

  List<String> fetch(FetchRequest request) {
    return Render.fetch(input, request);
  }

  /** The changes pushed since the last call, in order; the catch is empty afterwards. */
  List<String> take() {
    List<String> out = List.copyOf(pushed);
    pushed.clear();
    return out;
  }

  List<String> leftOver() {
    return List.copyOf(pushed);
  }
}
