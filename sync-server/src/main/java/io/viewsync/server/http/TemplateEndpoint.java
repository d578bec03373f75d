package io.viewsync.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * An {@link HttpEndpoint} that reads path parameters: registered at a path template such as
 * {@code /admin/tables/{name}/resync}, it receives the decoded values with the request. Endpoints that need no
 * parameters stay plain {@link HttpEndpoint}s. The same contract applies: called on a Netty event loop, it must not
 * block, write to the channel or release the request.
 */
@FunctionalInterface
public interface TemplateEndpoint {

  FullHttpResponse handle(FullHttpRequest request, PathParams params);
}
