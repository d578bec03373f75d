package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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

  // Templates, on a router of their own.

  /** Answers {"route": label, "params": {...}} and remembers nothing else. */
  private static TemplateEndpoint echo(String label) {
    return (request, params) -> JsonResponses.json(HttpResponseStatus.OK, Map.of("route", label, "params",
        params.values()));
  }

  private static EmbeddedHttp routed(HttpRouter router) {
    return new EmbeddedHttp(router);
  }

  private static HttpRouter tablesRouter() {
    return HttpRouter.builder()
        .post("/admin/tables/{name}/resync", echo("resync"))
        .get("/admin/tables/{name}/resync", echo("resync-status"))
        .get("/admin/tables/summary/resync", echo("exact"))
        .get("/admin/tables/{name}", echo("table"))
        .build();
  }

  @Test
  void aTemplateRouteGetsItsDecodedParameter() {
    try (EmbeddedHttp h = routed(tablesRouter())) {
      EmbeddedHttp.Response r = h.send(EmbeddedHttp.request(HttpMethod.POST, "/admin/tables/app.orders/resync?x=1"));

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("route").asText()).isEqualTo("resync");
      assertThat(r.json().get("params").get("name").asText()).isEqualTo("app.orders");
    }
  }

  @Test
  void aParameterWithOddCharactersArrivesDecoded() {
    try (EmbeddedHttp h = routed(tablesRouter())) {
      EmbeddedHttp.Response r = h.send(EmbeddedHttp.request(HttpMethod.POST,
          "/admin/tables/My%20Schema.%22odd%2Fname%22+%C3%A9/resync"));

      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("params").get("name").asText()).isEqualTo("My Schema.\"odd/name\"+é");
    }
  }

  @Test
  void theMethodPicksAmongTemplatesOfOnePath() {
    try (EmbeddedHttp h = routed(tablesRouter())) {
      assertThat(h.get("/admin/tables/x/resync").json().get("route").asText()).isEqualTo("resync-status");
      assertThat(h.get("/admin/tables/x").json().get("route").asText()).isEqualTo("table");
    }
  }

  @Test
  void anExactRouteWinsOverAMatchingTemplate() {
    try (EmbeddedHttp h = routed(tablesRouter())) {
      assertThat(h.get("/admin/tables/summary/resync").json().get("route").asText()).isEqualTo("exact");

      EmbeddedHttp.Response post = h.send(EmbeddedHttp.request(HttpMethod.POST, "/admin/tables/summary/resync"));
      assertThat(post.status()).as("the exact resource decides the methods").isEqualTo(405);
      assertThat(post.header(HttpHeaderNames.ALLOW)).isEqualTo("GET");
    }
  }

  @Test
  void aTemplateWithTheWrongMethodIs405WithTheTemplatesMethodsInAllow() {
    try (EmbeddedHttp h = routed(tablesRouter())) {
      EmbeddedHttp.Response r = h.send(EmbeddedHttp.request(HttpMethod.DELETE, "/admin/tables/x/resync"));

      assertThat(r.status()).isEqualTo(405);
      assertThat(r.header(HttpHeaderNames.ALLOW)).isEqualTo("POST, GET");
      assertThat(r.json().get("error").asText()).isEqualTo("method_not_allowed");
    }
  }

  @Test
  void anEmptyParameterSegmentIs404() {
    try (EmbeddedHttp h = routed(tablesRouter())) {
      assertThat(h.send(EmbeddedHttp.request(HttpMethod.POST, "/admin/tables//resync")).status()).isEqualTo(404);
      assertThat(h.get("/admin/tables/").status()).isEqualTo(404);
      assertThat(h.get("/admin/tables/x/resync/").status()).isEqualTo(404);
    }
  }

  @Test
  void brokenPercentEncodingIs400AndKeepsTheConnection() {
    try (EmbeddedHttp h = routed(tablesRouter())) {
      for (String uri : List.of("/admin/tables/%ZZ/resync", "/admin/tables/%FF/resync", "/admin/tables/%E2%9C")) {
        EmbeddedHttp.Response r = h.send(EmbeddedHttp.request(HttpMethod.POST, uri));

        assertThat(r.status()).as(uri).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("bad_request");
        assertThat(r.body()).doesNotContain("%ZZ");
      }
      assertThat(h.channel.isOpen()).isTrue();
    }
  }

  @Test
  void aPlainEndpointMayBeRegisteredAtATemplate() {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpEndpoint plain = request -> {
      seen.add(request.uri());
      return JsonResponses.json(HttpResponseStatus.NO_CONTENT, Map.of());
    };
    try (EmbeddedHttp h = routed(HttpRouter.builder().get("/t/{x}", plain).build())) {
      assertThat(h.get("/t/1").status()).isEqualTo(204);
      assertThat(seen).containsExactly("/t/1");
    }
  }

  @Test
  void anExactRouteGetsNoParameters() {
    try (EmbeddedHttp h = routed(HttpRouter.builder().get("/plain", echo("plain")).build())) {
      assertThat(h.get("/plain").json().get("params").isEmpty()).isTrue();
    }
  }

  @Test
  void templatesOfTheSameShapeAndMethodAreAWiringError() {
    assertThatThrownBy(() -> HttpRouter.builder().post("/t/{a}", echo("a")).post("/t/{b}", echo("b")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate route POST /t/{b}");
    HttpRouter.builder().get("/t/{a}", echo("a")).post("/t/{b}", echo("b")).build(); // other method: fine
  }
}
