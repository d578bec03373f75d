package io.viewsync.server.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Guards {@code /admin} and everything under it with {@code Authorization: Bearer <token>}
 * (<a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>); a request without the right
 * token gets {@code 401} and never reaches the router, so unknown admin paths are not revealed either. Other
 * paths pass through untouched.
 *
 * <p><b>Decision — no token configured means admin endpoints are disabled</b> ({@code 403 forbidden} with a
 * sentence that says how to enable them), not open: rebuilds and resyncs are operations nobody should reach by
 * accident, and a service bound to a public address must not expose them. This is the one place that decides it.
 *
 * <p>Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, which takes the same time whatever
 * the input, so neither the content nor the length of the token leaks through timing.
 *
 * <p>Immutable and {@link Sharable}; runs on the channel's event loop.
 */
@Sharable
public final class AdminAuthHandler extends ChannelInboundHandlerAdapter {

  private static final String BEARER = "bearer ";

  /** Digest of the expected token, or null when admin endpoints are disabled (see the class comment). */
  private final byte[] expectedDigest;

  public AdminAuthHandler(Optional<String> adminToken) {
    this.expectedDigest = adminToken.map(AdminAuthHandler::sha256).orElse(null);
  }

  /** True when a token is configured and admin requests must present it. */
  public boolean enforcing() {
    return expectedDigest != null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FullHttpRequest request && isAdminPath(request)
        && (expectedDigest == null || !authorized(request))) {
      try {
        FullHttpResponse response;
        if (expectedDigest == null) {
          response = JsonResponses.error(ErrorKind.FORBIDDEN, "admin endpoints are disabled: start viewsync with "
              + "--admin-token or VIEWSYNC_ADMIN_TOKEN to enable them");
        } else {
          response = JsonResponses.error(ErrorKind.UNAUTHORIZED,
              "admin endpoints need the header Authorization: Bearer <admin token>");
          response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"viewsync\"");
        }
        JsonResponses.send(ctx, request, response);
      } finally {
        ReferenceCountUtil.release(request);
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }

  static boolean isAdminPath(FullHttpRequest request) {
    String path;
    try {
      path = new QueryStringDecoder(request.uri()).path();
    } catch (IllegalArgumentException e) {
      return true; // broken percent-encoding: fail closed; with the token, the router answers 400
    }
    return path.equals("/admin") || path.startsWith("/admin/");
  }

  private boolean authorized(FullHttpRequest request) {
    String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (header == null || header.length() <= BEARER.length()
        || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    return MessageDigest.isEqual(expectedDigest, sha256(header.substring(BEARER.length()).strip()));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
