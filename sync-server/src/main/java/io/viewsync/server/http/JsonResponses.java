package io.viewsync.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds JSON responses and sends them with HTTP/1.1 keep-alive semantics. Every response has
 * {@code Content-Type: application/json}, a {@code Content-Length} and {@code Cache-Control: no-store} (health and
 * status must never be served from a cache).
 *
 * <p>Stateless; safe from any thread. {@link #send} must be called on the channel's event loop.
 */
public final class JsonResponses {

  /** Thread-safe once configured; shared by all endpoints. */
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonResponses() {}

  /** A response whose body is {@code body} serialized by Jackson. */
  public static FullHttpResponse json(HttpResponseStatus status, Object body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize " + body.getClass().getName() + " to JSON", e);
    }
    return body(status, HttpHeaderValues.APPLICATION_JSON, bytes);
  }

  /** A response of {@code bytes} as {@code contentType}, never cached (every answer is a live state). */
  public static FullHttpResponse body(HttpResponseStatus status, CharSequence contentType, byte[] bytes) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.wrappedBuffer(bytes));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }

  /** {@code {"error": kind, "message": message}} with the kind's status. */
  public static FullHttpResponse error(ErrorKind kind, String message) {
    return error(kind, message, Map.of());
  }

  /**
   * {@code {"error": kind, "message": message, ...details}} with the kind's status: an error that also carries the
   * fields of the endpoint's normal answer (e.g. the table a request was about), so clients read both alike.
   */
  public static FullHttpResponse error(ErrorKind kind, String message, Map<String, ?> details) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", kind.wireName());
    body.put("message", message);
    details.forEach((k, v) -> {
      if (body.putIfAbsent(k, v) != null) {
        throw new IllegalArgumentException("error details must not replace \"" + k + "\"");
      }
    });
    return json(kind.status(), body);
  }

  /**
   * Writes {@code response} to the request's channel, keeping the connection open when the request asked for it
   * (HTTP/1.1 by default, HTTP/1.0 with {@code Connection: keep-alive}) and closing it after the write otherwise.
   */
  public static void send(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
    boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
    response.setProtocolVersion(request.protocolVersion());
    if (keepAlive) {
      if (!request.protocolVersion().isKeepAliveDefault()) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
      ctx.writeAndFlush(response);
    } else {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
