package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminAuthHandlerTest {

  private final EmbeddedHttp http = new EmbeddedHttp(new EmbeddedHttp.FakeStatus(), Optional.of("s3cret-token"));

  @AfterEach
  void closeChannel() {
    http.close();
  }

  private EmbeddedHttp.Response getWith(String uri, String authorization) {
    FullHttpRequest request = EmbeddedHttp.request(HttpMethod.GET, uri);
    if (authorization != null) {
      request.headers().set(HttpHeaderNames.AUTHORIZATION, authorization);
    }
    return http.send(request);
  }

  @Test
  void adminWithoutATokenIs401WithAChallenge() {
    EmbeddedHttp.Response r = getWith("/admin/status", null);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
    assertThat(r.header(HttpHeaderNames.WWW_AUTHENTICATE)).isEqualTo("Bearer realm=\"viewsync\"");
    assertThat(http.channel.isOpen()).isTrue();
  }

  @Test
  void adminWithAWrongTokenIs401() {
    assertThat(getWith("/admin/status", "Bearer s3cret-tokeX").status()).isEqualTo(401);
    assertThat(getWith("/admin/status", "Bearer s3cret").status()).isEqualTo(401);
    assertThat(getWith("/admin/status", "Basic s3cret-token").status()).isEqualTo(401);
    assertThat(getWith("/admin/status", "Bearer ").status()).isEqualTo(401);
  }

  @Test
  void adminWithTheRightTokenIs200() {
    assertThat(getWith("/admin/status", "Bearer s3cret-token").status()).isEqualTo(200);
    assertThat(getWith("/admin/status", "bearer s3cret-token").status()).as("scheme is case-insensitive")
        .isEqualTo(200);
  }

  @Test
  void unknownAdminPathsAreHiddenBehindAuth() {
    assertThat(getWith("/admin/secret-thing", null).status()).isEqualTo(401);
    assertThat(getWith("/admin", null).status()).isEqualTo(401);
    assertThat(getWith("/admin/secret-thing", "Bearer s3cret-token").status()).isEqualTo(404);
  }

  @Test
  void nonAdminPathsNeedNoToken() {
    assertThat(getWith("/healthz", null).status()).isEqualTo(200);
    assertThat(getWith("/administrator", null).status()).isEqualTo(404);
  }

  @Test
  void withoutAConfiguredTokenAdminIsDisabledAndSaysHowToEnableIt() {
    try (EmbeddedHttp disabled = new EmbeddedHttp(new EmbeddedHttp.FakeStatus(), Optional.empty())) {
      for (String path : new String[] {"/admin/status", "/admin", "/admin/tables/x/resync", "/%61dmin/status"}) {
        EmbeddedHttp.Response r = disabled.get(path);
        assertThat(r.status()).as(path).isEqualTo(403);
        assertThat(r.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(r.json().get("message").asText()).contains("VIEWSYNC_ADMIN_TOKEN");
      }
      FullHttpRequest withSomeToken = EmbeddedHttp.request(HttpMethod.GET, "/admin/status");
      withSomeToken.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer anything");
      assertThat(disabled.send(withSomeToken).status()).as("no token opens it").isEqualTo(403);
      assertThat(disabled.get("/healthz").status()).isEqualTo(200);
      assertThat(disabled.channel.isOpen()).isTrue();
    }
    assertThat(new AdminAuthHandler(Optional.empty()).enforcing()).isFalse();
    assertThat(new AdminAuthHandler(Optional.of("t")).enforcing()).isTrue();
  }

  @Test
  void anAdminPathWithBrokenEncodingStillNeedsTheToken() {
    assertThat(getWith("/admin/tables/%ZZ/resync", null).status()).isEqualTo(401);
    assertThat(getWith("/%61dmin/status", null).status()).as("an encoded admin path is an admin path")
        .isEqualTo(401);
    assertThat(getWith("/admin/tables/%ZZ/resync", "Bearer s3cret-token").status()).isEqualTo(400);
  }
}
