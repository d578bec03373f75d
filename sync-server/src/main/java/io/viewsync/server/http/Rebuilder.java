package io.viewsync.server.http;

/**
 * Online rebuilds of the replica, for {@code /admin/rebuild}, supplied by the service. Both methods return at once
 * (the rebuild runs in the background) and may be called on Netty event loops.
 */
public interface Rebuilder {
  /** What a request to rebuild did: whether a rebuild started (false: one runs already), and its status. */
  record Answer(boolean started, Object status) {}

  /** Starts a rebuild unless one runs already. */
  Answer rebuild();

  /** The running rebuild's status, else the last one's, else an idle one; serialized as JSON. */
  Object status();
}
