package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one test with a real socket: the server binds, answers over TCP and releases the port. */
class HttpServerTest {

  @Test
  void theRealServerAnswersOnAFreePort() throws Exception {
    EmbeddedHttp.FakeStatus status = new EmbeddedHttp.FakeStatus();
    status.ready = false;
    status.reason = "copying";
    try (HttpServer server = new HttpServer("127.0.0.1", 0,
        new HttpServerInitializer(status, new EmbeddedHttp.FakeResyncer(), Optional.empty()))) {
      server.start();
      assertThat(server.port()).isPositive();
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI base = URI.create("http://127.0.0.1:" + server.port());

      HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> ready = client.send(HttpRequest.newBuilder(base.resolve("/readyz")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
      assertThat(health.headers().firstValue("content-type")).contains("application/json");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("\"reason\":\"copying\"");
    }
  }

  private static HttpServerInitializer initializer() {
    return new HttpServerInitializer(new EmbeddedHttp.FakeStatus(), new EmbeddedHttp.FakeResyncer(), Optional.empty());
  }

  @Test
  void aPortInUseIsReportedWithTheAddress() throws Exception {
    try (HttpServer first = new HttpServer("127.0.0.1", 0, initializer())) {
      first.start();
      HttpServer second = new HttpServer("127.0.0.1", first.port(), initializer());

      assertThatThrownBy(second::start)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + first.port() + ": ");
      second.close();
    }
  }
}
