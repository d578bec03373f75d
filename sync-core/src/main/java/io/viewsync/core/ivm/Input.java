package io.viewsync.core.ivm;

import java.util.stream.Stream;

/**
 * A stage of a pipeline that can be read ({@link #fetch}) and that pushes changes to one {@link Output}.
 *
 * <p>Invariants of {@link #fetch}:
 * <ul>
 *   <li>Nodes come in {@link Schema#ordering()} order (reversed with {@link FetchRequest#reverse()}); the order
 *       ends with the key, so it is total and no two nodes have the same key.</li>
 *   <li>Only rows matching the request's constraint, from its start on. The start row need not exist.</li>
 *   <li>Every node carries the relationships named in {@link #schema()}, each read lazily.</li>
 *   <li>Fetch has no visible effect (an operator may build internal state, e.g. Take's bound per partition) and
 *       may be called during a push; it then reflects the change being pushed, as described on
 *       {@link Output}. Sources follow Zero's overlay rule: while a source pushes a change to its i-th
 *       connection, fetches through connections 0..i see the change and later connections do not yet, so a
 *       pipeline that reads one table twice (a self-join) sees each change exactly once.</li>
 *   <li>Cost: a fetch with a constraint on indexed columns must not scan the table.</li>
 * </ul>
 * Single-threaded: one pipeline is driven by one thread at a time; streams must be consumed on that thread
 * before the next change is pushed.
 */
public interface Input {
  Schema schema();

  Stream<Node> fetch(FetchRequest request);

  /** Connects the one output; called once, by the operator downstream as it is built. */
  void setOutput(Output output);

  /**
   * The output no longer holds, and will not be told about, the rows it fetched with {@code constraint}: the
   * parent row they were the relationship of has left (a {@link Join} calls this after pushing the parent's
   * Remove, when the parent's join columns include its key, so no other parent shares them). An operator that keeps
   * state for that constraint ({@link Take}'s window) drops it; operators pass the call on to their input. A later
   * fetch with the constraint builds the state again. Default: nothing to drop.
   */
  default void release(Row constraint) {}
}
