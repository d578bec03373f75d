package io.viewsync.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * {@code GET /admin/status}: the provider's status snapshot as JSON. Serializing on the event loop is fine because
 * {@link StatusProvider#status()} is a small snapshot by contract. Access control is {@link AdminAuthHandler}'s job.
 * Safe from any thread.
 */
public final class AdminStatusEndpoint implements HttpEndpoint {

  private final StatusProvider status;

  public AdminStatusEndpoint(StatusProvider status) {
    this.status = status;
  }

  @Override
  public FullHttpResponse handle(FullHttpRequest request) {
    return JsonResponses.json(HttpResponseStatus.OK, status.status());
  }
}
