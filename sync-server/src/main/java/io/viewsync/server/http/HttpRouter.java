package io.viewsync.server.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of the HTTP pipeline: finds the {@link HttpEndpoint} for a request's path and method and sends
 * its response. Unknown path: 404; known path, other method: 405 with {@code Allow}; a request the decoder could
 * not read: 400 and close; an endpoint that throws: 500. Paths match exactly (no trailing-slash folding, no
 * templates yet).
 *
 * <p>Immutable after {@link Builder#build()} and {@link Sharable}: one instance serves every channel. Runs on the
 * channel's event loop.
 */
@Sharable
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

  private final Map<String, Map<HttpMethod, HttpEndpoint>> routes;

  private HttpRouter(Map<String, Map<HttpMethod, HttpEndpoint>> routes) {
    this.routes = routes;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      // JsonResponses.send closes the connection after a request the decoder could not read.
      JsonResponses.send(ctx, request, JsonResponses.error(ErrorKind.BAD_REQUEST, "malformed HTTP request"));
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    Map<HttpMethod, HttpEndpoint> byMethod = routes.get(path);
    if (byMethod == null) {
      JsonResponses.send(ctx, request, JsonResponses.error(ErrorKind.NOT_FOUND, "no such path: " + shorten(path)));
      return;
    }
    HttpEndpoint endpoint = byMethod.get(request.method());
    if (endpoint == null) {
      String allow = byMethod.keySet().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
      FullHttpResponse response = JsonResponses.error(ErrorKind.METHOD_NOT_ALLOWED,
          request.method().name() + " is not allowed on " + path + "; allowed: " + allow);
      response.headers().set(HttpHeaderNames.ALLOW, allow);
      JsonResponses.send(ctx, request, response);
      return;
    }
    FullHttpResponse response;
    try {
      response = endpoint.handle(request);
    } catch (RuntimeException e) {
      log.warn("{} {} failed", request.method(), path, e);
      response = JsonResponses.error(ErrorKind.INTERNAL, "internal error while answering " + path);
    }
    JsonResponses.send(ctx, request, response);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Usually a peer that reset the connection; nothing to answer.
    log.debug("closing HTTP connection {} after an error", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }

  private static String shorten(String path) {
    return path.length() <= 200 ? path : path.substring(0, 200) + "…";
  }

  /** Collects routes; not thread-safe, used once while wiring. */
  public static final class Builder {
    private final Map<String, Map<HttpMethod, HttpEndpoint>> routes = new LinkedHashMap<>();

    private Builder() {}

    public Builder get(String path, HttpEndpoint endpoint) {
      return route(HttpMethod.GET, path, endpoint);
    }

    public Builder post(String path, HttpEndpoint endpoint) {
      return route(HttpMethod.POST, path, endpoint);
    }

    public Builder route(HttpMethod method, String path, HttpEndpoint endpoint) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("a route path starts with '/': " + path);
      }
      if (routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method, endpoint) != null) {
        throw new IllegalArgumentException("duplicate route " + method + " " + path);
      }
      return this;
    }

    public HttpRouter build() {
      Map<String, Map<HttpMethod, HttpEndpoint>> copy = new LinkedHashMap<>();
      routes.forEach((path, byMethod) -> copy.put(path, Map.copyOf(byMethod)));
      return new HttpRouter(Map.copyOf(copy));
    }
  }
}
