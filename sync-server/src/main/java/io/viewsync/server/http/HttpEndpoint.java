package io.viewsync.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * One HTTP resource: turns a request into a response. The {@link HttpRouter} picks it by path and method and sends
 * the response; the endpoint neither writes to the channel nor releases the request.
 *
 * <p>Called on a Netty event loop: an endpoint must not block. Work that could (a rebuild, a resync) is handed to
 * an executor, and the endpoint answers at once (e.g. 202 Accepted).
 */
@FunctionalInterface
public interface HttpEndpoint {

  FullHttpResponse handle(FullHttpRequest request);
}
