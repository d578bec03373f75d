package io.viewsync.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code POST /admin/rebuild} starts an online rebuild of the replica and answers {@code 202} with its status, or
 * {@code 200} with the status of the one already running (only one runs at a time); {@code GET /admin/rebuild}
 * answers the status: {@code state} ({@code idle}, {@code copying}, {@code catching-up}, {@code swapping},
 * {@code done}, {@code failed}), progress and error (docs/operations.md). Access control is
 * {@link AdminAuthHandler}'s job. Safe from any thread; never blocks.
 */
public final class AdminRebuildEndpoint implements HttpEndpoint {
  public static final String PATH = "/admin/rebuild";

  private final Rebuilder rebuilder;
  private final boolean start;

  private AdminRebuildEndpoint(Rebuilder rebuilder, boolean start) {
    this.rebuilder = rebuilder;
    this.start = start;
  }

  /** The {@code GET}: the status. */
  public static AdminRebuildEndpoint status(Rebuilder rebuilder) {
    return new AdminRebuildEndpoint(rebuilder, false);
  }

  /** The {@code POST}: start one. */
  public static AdminRebuildEndpoint start(Rebuilder rebuilder) {
    return new AdminRebuildEndpoint(rebuilder, true);
  }

  @Override
  public FullHttpResponse handle(FullHttpRequest request) {
    if (!start) {
      return JsonResponses.json(HttpResponseStatus.OK, rebuilder.status());
    }
    Rebuilder.Answer a = rebuilder.rebuild();
    return JsonResponses.json(a.started() ? HttpResponseStatus.ACCEPTED : HttpResponseStatus.OK, a.status());
  }
}
