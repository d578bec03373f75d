package io.viewsync.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticFilesTest {

  private static String body(FullHttpResponse r) {
    try {
      return r.content().toString(StandardCharsets.UTF_8);
    } finally {
      r.release();
    }
  }

  @Test
  void theBrowserClientIsInTheJarAsJavaScriptModulesWithItsTypes() {
    StaticFiles client = new StaticFiles("web/client", Optional.empty());
    FullHttpResponse index = client.serve("index.js");
    assertThat(index.status().code()).isEqualTo(200);
    assertThat(index.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/javascript; charset=utf-8");
    assertThat(body(index)).contains("export");
    FullHttpResponse types = client.serve("index.d.ts");
    assertThat(types.status().code()).isEqualTo(200);
    assertThat(body(types)).contains("export function connect");
  }

  @Test
  void onlyPlainNamesOfKnownTypesAreServed(@TempDir Path tmp) throws Exception {
    Path web = Files.createDirectories(tmp.resolve("web"));
    Files.writeString(web.resolve("page.html"), "<p>hi</p>");
    Files.writeString(web.resolve("secret.txt"), "no");
    Files.writeString(tmp.resolve("outside.js"), "no");
    StaticFiles files = new StaticFiles("unused", Optional.of(web));

    FullHttpResponse page = files.serve("page.html");
    assertThat(page.status().code()).isEqualTo(200);
    assertThat(page.headers().get(HttpHeaderNames.CONTENT_TYPE)).startsWith("text/html");
    assertThat(body(page)).isEqualTo("<p>hi</p>");
    for (String name : new String[] {"secret.txt", "../outside.js", "..", ".hidden.js", "a/b.js", "missing.js", ""}) {
      FullHttpResponse r = files.serve(name);
      assertThat(r.status().code()).as(name).isEqualTo(404);
      r.release();
    }
  }
}
