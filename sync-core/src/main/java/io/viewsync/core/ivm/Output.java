package io.viewsync.core.ivm;

/**
 * Where an input sends its changes: the next operator, or the code that keeps the view.
 *
 * <p>Contract of {@link #push}:
 * <ul>
 *   <li>A push describes a change to what the output has fetched (or been pushed) before; the output must apply
 *       every change, in order, or its view is wrong.</li>
 *   <li>Add only rows not present, Remove only rows present (by key); Edit and Child only rows present. An Edit
 *       keeps the key and the relationships.</li>
 *   <li>Consistency: while a change is being pushed, a fetch of the pusher returns what the output's view is
 *       once it has applied this change. An operator that turns one change into two pushes (Remove then Add)
 *       arranges that a fetch during the first push does not show the second, where it can (Take does; a Join
 *       whose join columns change does not — its parent source already shows the new row).</li>
 *   <li>Push is synchronous and depth-first: when it returns, every output downstream has applied the change.</li>
 * </ul>
 * Single-threaded: one pipeline is driven by one thread at a time.
 */
@FunctionalInterface
public interface Output {
  /** The output of an input nobody has connected yet: a push to it is a bug. */
  Output NONE = change -> {
    throw new IllegalStateException("output not set; dropped " + change);
  };

  void push(Change change);
}
