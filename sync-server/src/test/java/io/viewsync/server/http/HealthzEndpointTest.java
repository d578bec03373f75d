package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthzEndpointTest {

  @Test
  void healthzIsOkWithJsonHeadersEvenWhenNotReady() {
    EmbeddedHttp.FakeStatus status = new EmbeddedHttp.FakeStatus();
    status.ready = false;
    try (EmbeddedHttp http = new EmbeddedHttp(status, Optional.empty())) {
      EmbeddedHttp.Response r = http.get("/healthz");

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
      assertThat(r.header(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
      assertThat(r.header(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(String.valueOf(r.body().length()));
      assertThat(r.header(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
    }
  }

  @Test
  void aQueryStringDoesNotChangeThePath() {
    try (EmbeddedHttp http = new EmbeddedHttp(new EmbeddedHttp.FakeStatus(), Optional.empty())) {
      assertThat(http.get("/healthz?probe=k8s").status()).isEqualTo(200);
    }
  }
}
