package io.viewsync.core.ivm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Keeps the rows that pass a predicate. Stateless apart from its output; an edit whose predicate flips becomes
 * Remove or Add ({@link Edits#split}). With a {@code constraint} (column = value pairs the predicate implies, e.g.
 * from {@code status = 'open'}), every fetch asks its input for those values too, so that a source answers from
 * an index instead of reading and dropping the rows that fail. Single-threaded: one pipeline is driven by one
 * thread at a time.
 */
public final class Filter implements Operator {
  private final Input input;
  private final Predicate<Row> predicate;
  private final Row constraint;
  private Output output = Output.NONE;

  public Filter(Input input, Predicate<Row> predicate) {
    this(input, predicate, Row.EMPTY);
  }

  /**
   * @param constraint column values every row passing {@code predicate} has ({@code IS} equality); the predicate is
   *     still applied in full
   */
  public Filter(Input input, Predicate<Row> predicate, Row constraint) {
    this.input = input;
    this.predicate = predicate;
    this.constraint = constraint;
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
    FetchRequest narrowed = request;
    if (!constraint.columns().isEmpty()) {
      Map<String, Object> merged = new LinkedHashMap<>();
      for (String c : request.constraint().columns()) {
        merged.put(c, request.constraint().get(c));
      }
      for (String c : constraint.columns()) {
        Object v = constraint.get(c);
        if (merged.containsKey(c) && Values.compare(merged.get(c), v) != 0) {
          return Stream.empty(); // asked for another value of a column the predicate fixes
        }
        merged.put(c, v);
      }
      narrowed = new FetchRequest(Row.of(merged), request.start(), request.reverse());
    }
    return input.fetch(narrowed).filter(n -> predicate.test(n.row()));
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
    Edits.filter(change, predicate, input, output);
  }
}
