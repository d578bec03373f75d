package io.viewsync.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.viewsync.core.TableName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServeOptionsTest {

  private static ServeConfig parse(Map<String, String> env, String... args) {
    return ServeOptions.parse(args, env);
  }

  @Test
  void withNothingSetEveryOptionHasItsDocumentedDefault() {
    ServeConfig config = parse(Map.of());

    assertThat(config.upstream()).isEmpty();
    assertThat(config.embeddedUpstream()).isTrue();
    assertThat(config.replicaDir()).isEqualTo(Path.of("./replica"));
    assertThat(config.port()).isEqualTo(4848);
    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.publication()).isEqualTo("viewsync");
    assertThat(config.slot()).isEqualTo("viewsync");
    assertThat(config.tables()).isEmpty();
    assertThat(config.allTables()).isTrue();
    assertThat(config.copyWorkers()).isEqualTo(4);
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.readyLagBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(config.adminToken()).isEmpty();
    assertThat(ServeConfig.defaults()).isEqualTo(config);
  }

  @Test
  void everyOptionCanBeSetByItsEnvironmentVariable() {
    ServeConfig config = parse(Map.ofEntries(
        Map.entry("VIEWSYNC_UPSTREAM_URL", "postgres://u:p@db:5433/app"),
        Map.entry("VIEWSYNC_REPLICA_DIR", "/var/lib/viewsync"),
        Map.entry("VIEWSYNC_PORT", "9000"),
        Map.entry("VIEWSYNC_BIND", "0.0.0.0"),
        Map.entry("VIEWSYNC_PUBLICATION", "pub1"),
        Map.entry("VIEWSYNC_SLOT", "slot1"),
        Map.entry("VIEWSYNC_TABLES", "issues, crm.accounts"),
        Map.entry("VIEWSYNC_COPY_WORKERS", "8"),
        Map.entry("VIEWSYNC_HEARTBEAT_INTERVAL", "30"),
        Map.entry("VIEWSYNC_READY_LAG_BYTES", "1GiB"),
        Map.entry("VIEWSYNC_ADMIN_TOKEN", "t0ken")));

    assertThat(config.upstream()).hasValueSatisfying(u -> assertThat(u.host()).isEqualTo("db"));
    assertThat(config.replicaDir()).isEqualTo(Path.of("/var/lib/viewsync"));
    assertThat(config.port()).isEqualTo(9000);
    assertThat(config.bind()).isEqualTo("0.0.0.0");
    assertThat(config.publication()).isEqualTo("pub1");
    assertThat(config.slot()).isEqualTo("slot1");
    assertThat(config.tables()).containsExactly(new TableName("public", "issues"), new TableName("crm", "accounts"));
    assertThat(config.copyWorkers()).isEqualTo(8);
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.readyLagBytes()).isEqualTo(1L << 30);
    assertThat(config.adminToken()).contains("t0ken");
  }

  @Test
  void aFlagWinsOverItsEnvironmentVariable() {
    ServeConfig config = parse(Map.of("VIEWSYNC_PORT", "9000", "VIEWSYNC_SLOT", "from_env"), "--port", "9100");

    assertThat(config.port()).isEqualTo(9100);
    assertThat(config.slot()).isEqualTo("from_env");
  }

  @Test
  void anEmptyEnvironmentVariableCountsAsUnset() {
    ServeConfig config = parse(Map.of("VIEWSYNC_PORT", "", "VIEWSYNC_UPSTREAM_URL", "", "VIEWSYNC_ADMIN_TOKEN", ""));

    assertThat(config.port()).isEqualTo(4848);
    assertThat(config.upstream()).isEmpty();
    assertThat(config.adminToken()).isEmpty();
  }

  @Test
  void portZeroIsAllowedAndMeansAnyFreePort() {
    assertThat(parse(Map.of(), "--port", "0").port()).isZero();
  }

  @Test
  void anOutOfRangePortNamesTheFlagAndTheVariable() {
    assertThatThrownBy(() -> parse(Map.of("VIEWSYNC_PORT", "70000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--port (env VIEWSYNC_PORT) must be between 0 and 65535 (0 picks a free port), got 70000");
    assertThatThrownBy(() -> parse(Map.of(), "--port", "-1")).hasMessageContaining("--port");
  }

  @Test
  void aPortThatIsNotANumberNamesTheFlagAndTheVariable() {
    assertThatThrownBy(() -> parse(Map.of("VIEWSYNC_PORT", "http")))
        .hasMessage("--port (env VIEWSYNC_PORT) must be a whole number, got 'http'");
  }

  @Test
  void aBadUpstreamUrlIsReportedWithoutItsPassword() {
    assertThatThrownBy(() -> parse(Map.of("VIEWSYNC_UPSTREAM_URL", "postgres://u:hunter2@h:99999/d")))
        .hasMessageStartingWith("--upstream (env VIEWSYNC_UPSTREAM_URL): the port must be")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void slotAndPublicationNamesFollowPostgresRules() {
    assertThatThrownBy(() -> parse(Map.of(), "--slot", "My-Slot")).hasMessageStartingWith("--slot (env VIEWSYNC_SLOT)");
    assertThatThrownBy(() -> parse(Map.of(), "--publication", "1pub"))
        .hasMessageStartingWith("--publication (env VIEWSYNC_PUBLICATION)");
    assertThatThrownBy(() -> parse(Map.of(), "--slot", "x".repeat(64))).hasMessageContaining("63");
  }

  @Test
  void copyWorkersAndHeartbeatMustBePositive() {
    assertThatThrownBy(() -> parse(Map.of(), "--copy-workers", "0")).hasMessageStartingWith("--copy-workers");
    assertThatThrownBy(() -> parse(Map.of(), "--heartbeat-interval", "0"))
        .hasMessageStartingWith("--heartbeat-interval (env VIEWSYNC_HEARTBEAT_INTERVAL) must be positive");
  }

  @Test
  void readyLagAcceptsBytesAndBinaryUnits() {
    assertThat(ServeOptions.parseBytes("1048576")).isEqualTo(1L << 20);
    assertThat(ServeOptions.parseBytes("512KiB")).isEqualTo(512L << 10);
    assertThat(ServeOptions.parseBytes("16 mib")).isEqualTo(16L << 20);
    assertThat(ServeOptions.parseBytes("2GiB")).isEqualTo(2L << 30);
    assertThat(ServeOptions.parseBytes("0")).isZero();
    assertThat(ServeOptions.parseBytes("100b")).isEqualTo(100);
  }

  @Test
  void readyLagRejectsAmbiguousOrBrokenSizes() {
    for (String bad : List.of("16MB", "1.5GiB", "-1", "lots", "99999999999999GiB")) {
      assertThatThrownBy(() -> ServeOptions.parseBytes(bad))
          .as(bad)
          .hasMessageStartingWith("--ready-lag-bytes (env VIEWSYNC_READY_LAG_BYTES) must be a number of bytes");
    }
  }

  @Test
  void tablesAreTrimmedDeduplicatedAndDefaultToPublic() {
    assertThat(parse(Map.of(), "--tables", " a ,s.b,a").tables())
        .containsExactly(new TableName("public", "a"), new TableName("s", "b"));
  }

  @Test
  void aTableListWithAnEmptyEntryIsRejected() {
    for (String bad : List.of("a,,b", "a,", ".x", "s.", "a.b.c")) {
      assertThatThrownBy(() -> parse(Map.of(), "--tables", bad))
          .as(bad)
          .hasMessageStartingWith("--tables (env VIEWSYNC_TABLES) must be a comma-separated list");
    }
  }

  @Test
  void everyOptionDocumentsItsVariableAndDefaultInTheHelp() {
    picocli.CommandLine cmd = new picocli.CommandLine(new ServeOptions());
    for (picocli.CommandLine.Model.OptionSpec option : cmd.getCommandSpec().options()) {
      String help = String.join(" ", option.description());
      assertThat(option.descriptionKey()).as(option.longestName()).startsWith("VIEWSYNC_");
      assertThat(help).as(option.longestName()).contains("Env " + option.descriptionKey() + ".").contains("Default:");
    }
  }
}
