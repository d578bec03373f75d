package io.viewsync.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /readyz}: {@code 200 {"ready":true}} when the replica is caught up, otherwise
 * {@code 503 {"ready":false,"reason":"…"}} so a load balancer holds traffic back. Safe from any thread.
 */
public final class ReadyzEndpoint implements HttpEndpoint {

  private final StatusProvider status;

  public ReadyzEndpoint(StatusProvider status) {
    this.status = status;
  }

  @Override
  public FullHttpResponse handle(FullHttpRequest request) {
    if (status.ready()) {
      return JsonResponses.json(HttpResponseStatus.OK, Map.of("ready", true));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ready", false);
    String reason = status.notReadyReason();
    body.put("reason", reason == null || reason.isEmpty() ? "not ready" : reason);
    return JsonResponses.json(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
  }
}
