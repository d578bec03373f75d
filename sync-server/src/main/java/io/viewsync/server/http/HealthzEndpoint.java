package io.viewsync.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;

/**
 * {@code GET /healthz}: the process is alive and its event loop answers. Always {@code 200 {"status":"ok"}};
 * whether the replica is usable is {@link ReadyzEndpoint}'s question. Stateless; safe from any thread.
 */
public final class HealthzEndpoint implements HttpEndpoint {

  private static final Map<String, String> OK = Map.of("status", "ok");

  @Override
  public FullHttpResponse handle(FullHttpRequest request) {
    return JsonResponses.json(HttpResponseStatus.OK, OK);
  }
}
