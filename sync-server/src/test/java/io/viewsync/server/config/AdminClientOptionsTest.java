package io.viewsync.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AdminClientOptionsTest {

  private static AdminClientConfig parse(Map<String, String> env, String... args) {
    AdminClientOptions options = new AdminClientOptions();
    new CommandLine(options).setDefaultValueProvider(new EnvDefaults(env)).parseArgs(args);
    return options.toConfig(env);
  }

  @Test
  void theDefaultIsTheLocalServeDefault() {
    assertThat(parse(Map.of())).isEqualTo(new AdminClientConfig(URI.create("http://127.0.0.1:4848"),
        Optional.empty()));
  }

  @Test
  void theDefaultPortFollowsViewsyncPort() {
    assertThat(parse(Map.of("VIEWSYNC_PORT", " 5000 ")).url()).isEqualTo(URI.create("http://127.0.0.1:5000"));
  }

  @Test
  void aUrlFlagBeatsTheEnvironment() {
    AdminClientConfig config = parse(Map.of("VIEWSYNC_URL", "http://a:1"), "--url", "https://b.example/viewsync/");

    assertThat(config.url()).isEqualTo(URI.create("https://b.example/viewsync"));
    assertThat(config.resolve("/admin/status")).isEqualTo(URI.create("https://b.example/viewsync/admin/status"));
  }

  @Test
  void theTokenIsReadButNeverShown() {
    AdminClientConfig config = parse(Map.of("VIEWSYNC_ADMIN_TOKEN", "s3cret"));

    assertThat(config.adminToken()).contains("s3cret");
    assertThat(config.toString()).doesNotContain("s3cret");
  }

  @Test
  void badUrlsAndPortsNameTheOption() {
    assertThatThrownBy(() -> parse(Map.of(), "--url", "localhost:4848"))
        .hasMessageStartingWith("--url (env VIEWSYNC_URL) must be an http:// or https:// URL");
    assertThatThrownBy(() -> parse(Map.of(), "--url", "http://u:hunter2@h:1"))
        .hasMessageContaining("without user info").hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> parse(Map.of(), "--url", "ftp://u:hunter2@h:1")).hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> parse(Map.of(), "--url", "http://h:1/?x=1")).hasMessageContaining("query");
    assertThatThrownBy(() -> parse(Map.of("VIEWSYNC_PORT", "0")))
        .hasMessageContaining("VIEWSYNC_PORT is 0").hasMessageContaining("--url");
    assertThatThrownBy(() -> parse(Map.of("VIEWSYNC_PORT", "70000"))).hasMessageContaining("between 1 and 65535");
    assertThatThrownBy(() -> parse(Map.of("VIEWSYNC_PORT", "x"))).hasMessageContaining("not a port number");
  }
}
