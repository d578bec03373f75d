package io.viewsync.server;

import io.viewsync.server.config.UpstreamUrl;
import io.viewsync.server.http.HttpRouter;

/**
 * Something that runs beside the service for the whole of one {@link Service#run}: {@code viewsync demo}'s schema,
 * writer and page. {@link #start} is called once the upstream is reachable and before replication starts;
 * {@link #routes} while the HTTP server is wired; the returned resource is closed when the service stops, before
 * an embedded upstream is.
 *
 * <p>Called on the service's main thread.
 */
public interface ServiceExtension {

  /** Nothing beside the service. */
  ServiceExtension NONE = new ServiceExtension() {
    @Override
    public AutoCloseable start(UpstreamUrl upstream) {
      return () -> {};
    }

    @Override
    public void routes(HttpRouter.Builder routes) {}
  };

  /** Prepares the upstream and starts what runs beside the service; the result is closed at stop. */
  AutoCloseable start(UpstreamUrl upstream) throws Exception;

  /** Adds HTTP routes; they must not clash with the service's own. */
  void routes(HttpRouter.Builder routes);

  /** Called once the HTTP server listens, with its base URL ({@code http://127.0.0.1:4848}). */
  default void listening(String baseUrl) {}
}
