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
  private final String bearer; // sent with every request that has no Authorization header; null for none

  EmbeddedHttp(StatusProvider status, Optional<String> adminToken) {
    this(status, new FakeResyncer(), adminToken);
  }

  EmbeddedHttp(StatusProvider status, TableResyncer resyncer, Optional<String> adminToken) {
    this(status, resyncer, adminToken, null);
  }

  private EmbeddedHttp(StatusProvider status, TableResyncer resyncer, Optional<String> adminToken, String bearer) {
    channel = new EmbeddedChannel(new HttpServerInitializer(status, resyncer, adminToken));
    channel.pipeline().remove(HttpServerCodec.class);
    channel.pipeline().remove(HttpObjectAggregator.class);
    this.bearer = bearer;
  }

  /** The admin token of {@link #admin}. */
  static final String ADMIN_TOKEN = "test-admin-token";

  /**
   * A pipeline whose admin endpoints are enabled (with {@link #ADMIN_TOKEN}), and whose requests carry that token
   * unless they set an Authorization header of their own: for tests of what the endpoints answer.
   */
  static EmbeddedHttp admin(StatusProvider status, TableResyncer resyncer) {
    return new EmbeddedHttp(status, resyncer, Optional.of(ADMIN_TOKEN), ADMIN_TOKEN);
  }

  static EmbeddedHttp admin(StatusProvider status) {
    return admin(status, new FakeResyncer());
  }

  /** A channel with {@code router} alone: for routing tests with their own routes. */
  EmbeddedHttp(HttpRouter router) {
    channel = new EmbeddedChannel(router);
    bearer = null;
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
    if (bearer != null && !request.headers().contains(HttpHeaderNames.AUTHORIZATION)) {
      request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer);
    }
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
