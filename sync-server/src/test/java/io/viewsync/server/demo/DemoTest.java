package io.viewsync.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class DemoTest {

  private static HttpRequest post(String host, String origin) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/demo/migrate");
    if (host != null) {
      r.headers().set("Host", host);
    }
    if (origin != null) {
      r.headers().set("Origin", origin);
    }
    return r;
  }

  @Test
  void onlyTheDemosOwnPageOrAToolWithoutAnOriginMayRunAMigration() {
    assertThat(Demo.sameOrigin(post("127.0.0.1:4848", "http://127.0.0.1:4848"))).isTrue();
    assertThat(Demo.sameOrigin(post("127.0.0.1:4848", null))).as("curl").isTrue();
    assertThat(Demo.sameOrigin(post("127.0.0.1:4848", "https://evil.example"))).isFalse();
    assertThat(Demo.sameOrigin(post("127.0.0.1:4848", "http://127.0.0.1:9999"))).isFalse();
    assertThat(Demo.sameOrigin(post(null, "http://127.0.0.1:4848"))).isFalse();
  }
}
