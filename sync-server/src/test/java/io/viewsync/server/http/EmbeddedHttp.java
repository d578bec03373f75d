package io.viewsync.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.viewsync.replica.ResyncResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test harness: the real HTTP pipeline of {@link HttpServerInitializer} minus the byte codec, on an
 * {@link EmbeddedChannel}, so tests write request objects and read response objects without sockets.
 */
final class EmbeddedHttp implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  final EmbeddedChannel channel;

  EmbeddedHttp(StatusProvider status, Optional<String> adminToken) {
    this(status, new FakeResyncer(), adminToken);
  }

  EmbeddedHttp(StatusProvider status, TableResyncer resyncer, Optional<String> adminToken) {
    channel = new EmbeddedChannel(new HttpServerInitializer(status, resyncer, adminToken));
    channel.pipeline().remove(HttpServerCodec.class);
    channel.pipeline().remove(HttpObjectAggregator.class);
  }

  /** A channel with {@code router} alone: for routing tests with their own routes. */
  EmbeddedHttp(HttpRouter router) {
    channel = new EmbeddedChannel(router);
  }

  static FullHttpRequest request(HttpMethod method, String uri) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
    request.headers().set(HttpHeaderNames.HOST, "localhost");
    return request;
  }

  Response get(String uri) {
    return send(request(HttpMethod.GET, uri));
  }

  Response send(FullHttpRequest request) {
    channel.writeInbound(request);
    FullHttpResponse response = channel.readOutbound();
    if (response == null) {
      throw new AssertionError("no response to " + request.method() + " " + request.uri());
    }
    try {
      return new Response(response.status().code(), response, response.content().toString(StandardCharsets.UTF_8));
    } finally {
      response.release();
    }
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
  }

  /** A response whose content has been copied out; headers stay readable after the buffer is released. */
  record Response(int status, FullHttpResponse raw, String body) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String header(CharSequence name) {
      return raw.headers().get(name);
    }
  }

  /** A status provider whose answers tests set directly. */
  static class FakeStatus implements StatusProvider {
    volatile boolean ready = true;
    volatile String reason = "";
    volatile Object status = new Snapshot("0/16B3748", 0, 3);

    @Override
    public boolean ready() {
      return ready;
    }

    @Override
    public String notReadyReason() {
      return reason;
    }

    @Override
    public Object status() {
      return status;
    }
  }

  record Snapshot(String watermark, long lagBytes, long schemaVersion) {}

  /**
   * A resyncer that answers what tests put in {@link #answers} ({@code unknown-table} for other names) and records
   * the names it was asked for.
   */
  static class FakeResyncer implements TableResyncer {
    final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final List<String> requested = new CopyOnWriteArrayList<>();

    @Override
    public Answer requestResync(String table) {
      requested.add(table);
      return answers.getOrDefault(table, Answer.of(ResyncResult.UNKNOWN_TABLE));
    }
  }
}
