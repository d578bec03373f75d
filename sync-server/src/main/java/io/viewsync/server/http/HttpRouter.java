package io.viewsync.server.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of the HTTP pipeline: finds the endpoint for a request's path and method and sends its response.
 *
 * <p>A path is resolved in two steps. First the resource: an exact route whose path equals the decoded request
 * path, else every template (e.g. {@code /admin/tables/{name}/resync}, see {@link PathTemplate}) that matches it, so
 * an exact route always wins over a template that would also match. Then the method picks the endpoint among them,
 * the first registered winning. Unknown path: 404; known path, other method: 405 with {@code Allow}; a path with
 * broken percent-encoding or a request the decoder could not read: 400; an endpoint that throws: 500. No
 * trailing-slash folding.
 *
 * <p>Immutable after {@link Builder#build()} and {@link Sharable}: one instance serves every channel. Runs on the
 * channel's event loop.
 */
@Sharable
public final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(HttpRouter.class);

  /** Routes of a path template, tried in registration order. */
  private record TemplateRoute(PathTemplate template, HttpMethod method, TemplateEndpoint endpoint) {}

  private final Map<String, Map<HttpMethod, TemplateEndpoint>> exact;
  private final List<TemplateRoute> templates;

  private HttpRouter(Map<String, Map<HttpMethod, TemplateEndpoint>> exact, List<TemplateRoute> templates) {
    this.exact = exact;
    this.templates = templates;
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
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path;
    Resolution resolution;
    try {
      path = uri.path();
      resolution = resolve(path, uri, request.method());
    } catch (IllegalArgumentException e) { // Netty's or PathTemplate's decoding; the message may echo the whole URI
      JsonResponses.send(ctx, request, JsonResponses.error(ErrorKind.BAD_REQUEST,
          "malformed path: percent-encoding must be %XX escapes of UTF-8 bytes"));
      return;
    }
    if (resolution.allowed().isEmpty()) {
      JsonResponses.send(ctx, request, JsonResponses.error(ErrorKind.NOT_FOUND, "no such path: " + shorten(path)));
      return;
    }
    TemplateEndpoint endpoint = resolution.endpoint();
    if (endpoint == null) {
      String allow = String.join(", ", resolution.allowed().stream().map(HttpMethod::name).toList());
      FullHttpResponse response = JsonResponses.error(ErrorKind.METHOD_NOT_ALLOWED,
          request.method().name() + " is not allowed on " + shorten(path) + "; allowed: " + allow);
      response.headers().set(HttpHeaderNames.ALLOW, allow);
      JsonResponses.send(ctx, request, response);
      return;
    }
    FullHttpResponse response;
    try {
      response = endpoint.handle(request, resolution.params());
    } catch (RuntimeException e) {
      log.warn("{} {} failed", request.method(), shorten(path), e);
      response = JsonResponses.error(ErrorKind.INTERNAL, "internal error while answering " + shorten(path));
    }
    JsonResponses.send(ctx, request, response);
  }

  /**
   * What a path and method resolve to.
   *
   * @param endpoint the endpoint to call, or null when the path is unknown or the method not allowed on it
   * @param params   the endpoint's path parameters
   * @param allowed  the methods the path allows; empty when the path is unknown
   */
  private record Resolution(TemplateEndpoint endpoint, PathParams params, Set<HttpMethod> allowed) {}

  /** Resource first (the exact route, else every matching template), then the method; see the class comment. */
  private Resolution resolve(String path, QueryStringDecoder uri, HttpMethod method) {
    Map<HttpMethod, TemplateEndpoint> byMethod = exact.get(path);
    if (byMethod != null) {
      return new Resolution(byMethod.get(method), PathParams.NONE, byMethod.keySet());
    }
    if (templates.isEmpty()) {
      return new Resolution(null, PathParams.NONE, Set.of());
    }
    List<String> segments = PathTemplate.segments(uri.rawPath());
    Set<HttpMethod> allowed = new LinkedHashSet<>();
    TemplateEndpoint endpoint = null;
    PathParams params = PathParams.NONE;
    for (TemplateRoute route : templates) {
      PathParams match = route.template().match(segments);
      if (match != null) {
        allowed.add(route.method());
        if (endpoint == null && route.method().equals(method)) {
          endpoint = route.endpoint();
          params = match;
        }
      }
    }
    return new Resolution(endpoint, params, allowed);
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

  /**
   * Collects routes; not thread-safe, used once while wiring. A path containing {@code {name}} is a template (see
   * {@link PathTemplate}); any other path matches exactly. Two routes of one method whose paths match the same
   * requests are a wiring error.
   */
  public static final class Builder {
    private final Map<String, Map<HttpMethod, TemplateEndpoint>> exact = new LinkedHashMap<>();
    private final List<TemplateRoute> templates = new ArrayList<>();

    private Builder() {}

    public Builder get(String path, HttpEndpoint endpoint) {
      return route(HttpMethod.GET, path, endpoint);
    }

    public Builder post(String path, HttpEndpoint endpoint) {
      return route(HttpMethod.POST, path, endpoint);
    }

    public Builder get(String path, TemplateEndpoint endpoint) {
      return route(HttpMethod.GET, path, endpoint);
    }

    public Builder post(String path, TemplateEndpoint endpoint) {
      return route(HttpMethod.POST, path, endpoint);
    }

    /** An endpoint that needs no path parameters; {@code path} may still be a template. */
    public Builder route(HttpMethod method, String path, HttpEndpoint endpoint) {
      return route(method, path, (TemplateEndpoint) (request, params) -> endpoint.handle(request));
    }

    public Builder route(HttpMethod method, String path, TemplateEndpoint endpoint) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("a route path starts with '/': " + path);
      }
      if (PathTemplate.isTemplate(path)) {
        PathTemplate template = PathTemplate.parse(path);
        for (TemplateRoute r : templates) {
          if (r.method().equals(method) && r.template().shape().equals(template.shape())) {
            throw new IllegalArgumentException("duplicate route " + method + " " + path + " (same as " + r.template()
                + ")");
          }
        }
        templates.add(new TemplateRoute(template, method, endpoint));
      } else if (exact.computeIfAbsent(path, p -> new LinkedHashMap<>()).putIfAbsent(method, endpoint) != null) {
        throw new IllegalArgumentException("duplicate route " + method + " " + path);
      }
      return this;
    }

    public HttpRouter build() {
      // Unmodifiable views of fresh copies, not Map.copyOf: insertion order is the order of methods in Allow.
      Map<String, Map<HttpMethod, TemplateEndpoint>> copy = new LinkedHashMap<>();
      exact.forEach((path, byMethod) -> copy.put(path, Collections.unmodifiableMap(new LinkedHashMap<>(byMethod))));
      return new HttpRouter(Collections.unmodifiableMap(copy), List.copyOf(templates));
    }
  }
}
