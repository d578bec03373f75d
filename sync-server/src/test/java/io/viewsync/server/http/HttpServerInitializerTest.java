package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The whole pipeline from raw bytes to raw bytes, still without sockets. */
class HttpServerInitializerTest {

  private static EmbeddedChannel newChannel() {
    return new EmbeddedChannel(new HttpServerInitializer(new EmbeddedHttp.FakeStatus(), new EmbeddedHttp.FakeResyncer(),
        Optional.empty()));
  }

  private static String exchange(EmbeddedChannel ch, String request) {
    ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.append(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    return out.toString();
  }

  @Test
  void twoRequestsOnOneKeepAliveConnectionAreBothAnswered() {
    EmbeddedChannel ch = newChannel();

    String first = exchange(ch, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    String second = exchange(ch, "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(first).startsWith("HTTP/1.1 200 OK\r\n").contains("content-length: 15\r\n").endsWith("{\"status\":\"ok\"}");
    assertThat(second).startsWith("HTTP/1.1 200 OK\r\n").endsWith("{\"ready\":true}");
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void anHttp10RequestWithoutKeepAliveIsAnsweredThenClosed() {
    EmbeddedChannel ch = newChannel();

    String response = exchange(ch, "GET /healthz HTTP/1.0\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.0 200 OK\r\n").contains("connection: close\r\n");
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void anHttp10KeepAliveRequestGetsKeepAliveBack() {
    EmbeddedChannel ch = newChannel();

    String response = exchange(ch, "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");

    assertThat(response).contains("connection: keep-alive\r\n");
    assertThat(ch.isOpen()).isTrue();
    ch.finishAndReleaseAll();
  }

  @Test
  void aBodyOverTheLimitIsRefusedWith413() {
    EmbeddedChannel ch = newChannel();

    String response = exchange(ch, "POST /admin/status HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + (HttpServerInitializer.MAX_REQUEST_BYTES + 1) + "\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 413 ");
    ch.finishAndReleaseAll();
  }
}
