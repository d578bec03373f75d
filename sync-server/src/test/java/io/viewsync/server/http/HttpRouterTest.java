package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpRouterTest {

  private final EmbeddedHttp http = new EmbeddedHttp(new EmbeddedHttp.FakeStatus(), Optional.empty());

  @AfterEach
  void closeChannel() {
    http.close();
  }

  @Test
  void anUnknownPathIs404WithAJsonError() {
    EmbeddedHttp.Response r = http.get("/nope?x=1");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("error").asText()).isEqualTo("not_found");
    assertThat(r.json().get("message").asText()).isEqualTo("no such path: /nope");
    assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
  }

  @Test
  void aKnownPathWithTheWrongMethodIs405WithAllow() {
    EmbeddedHttp.Response r = http.send(EmbeddedHttp.request(HttpMethod.POST, "/healthz"));

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header(HttpHeaderNames.ALLOW)).isEqualTo("GET");
    assertThat(r.json().get("error").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void keepAliveRequestsLeaveTheConnectionOpen() {
    http.get("/healthz");
    http.get("/nope");

    assertThat(http.channel.isOpen()).isTrue();
  }

  @Test
  void connectionCloseIsHonoured() {
    FullHttpRequest request = EmbeddedHttp.request(HttpMethod.GET, "/healthz");
    request.headers().set(HttpHeaderNames.CONNECTION, "close");

    EmbeddedHttp.Response r = http.send(request);

    assertThat(r.header(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    assertThat(http.channel.isOpen()).isFalse();
  }

  @Test
  void aRequestTheDecoderRejectedIs400AndClosesTheConnection() {
    FullHttpRequest request = EmbeddedHttp.request(HttpMethod.GET, "/healthz");
    request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad header")));

    EmbeddedHttp.Response r = http.send(request);

    assertThat(r.status()).isEqualTo(400);
    assertThat(http.channel.isOpen()).isFalse();
  }

  @Test
  void duplicateRoutesAreAWiringError() {
    HttpEndpoint e = new HealthzEndpoint();
    assertThatThrownBy(() -> HttpRouter.builder().get("/a", e).get("/a", e))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
