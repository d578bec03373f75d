package io.viewsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.server.ServiceLauncher;
import io.viewsync.server.config.ServeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicReference<ServeConfig> launched = new AtomicReference<>();

  private int run(Map<String, String> env, ServiceLauncher launcher, String... args) {
    return Main.run(args, env, launcher, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private ServiceLauncher recording(int exitCode) {
    return config -> {
      launched.set(config);
      return exitCode;
    };
  }

  private String replicaDir() {
    return tmp.resolve("replica").toString();
  }

  @Test
  void serveHandsTheParsedConfigToTheLauncher() {
    int code = run(Map.of(), recording(0), "serve", "--replica-dir", replicaDir(), "--port", "0");

    assertThat(code).isZero();
    assertThat(launched.get().port()).isZero();
    assertThat(launched.get().replicaDir()).isEqualTo(Path.of(replicaDir()));
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void theEnvironmentMapFillsOptionsThatWereNotGiven() {
    int code = run(Map.of("VIEWSYNC_PORT", "5000", "VIEWSYNC_REPLICA_DIR", replicaDir(),
        "VIEWSYNC_UPSTREAM_URL", "postgres://u:p@db/app"), recording(0), "serve", "--port", "5001");

    assertThat(code).isZero();
    assertThat(launched.get().port()).isEqualTo(5001);
    assertThat(launched.get().upstream()).hasValueSatisfying(u -> assertThat(u.database()).isEqualTo("app"));
  }

  @Test
  void theLaunchersExitCodeIsTheProcesss() {
    assertThat(run(Map.of(), recording(3), "serve", "--replica-dir", replicaDir())).isEqualTo(3);
  }

  @Test
  void aBadValueIsAUsageErrorOnOneLineNamingFlagAndVariable() {
    int code = run(Map.of("VIEWSYNC_PORT", "99999"), recording(0), "serve", "--replica-dir", replicaDir());

    assertThat(code).isEqualTo(2);
    assertThat(launched.get()).isNull();
    assertThat(err.toString()).startsWith("viewsync: --port (env VIEWSYNC_PORT) must be between 0 and 65535")
        .contains("Try 'viewsync serve --help'");
  }

  @Test
  void aBadUpstreamUrlIsAUsageErrorThatDoesNotPrintThePassword() {
    int code = run(Map.of("VIEWSYNC_UPSTREAM_URL", "postgres://u:hunter2@h:0/d"), recording(0), "serve");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--upstream").doesNotContain("hunter2");
  }

  @Test
  void anUnwritableReplicaDirIsAUsageError() throws Exception {
    Path file = java.nio.file.Files.writeString(tmp.resolve("file"), "x");

    int code = run(Map.of(), recording(0), "serve", "--replica-dir", file.resolve("replica").toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--replica-dir").contains("cannot be created");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    assertThat(run(Map.of(), recording(0), "serve", "--prot", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option");
  }

  @Test
  void aMissingSubcommandIsAUsageError() {
    assertThat(run(Map.of(), recording(0))).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required subcommand");
  }

  @Test
  void aRuntimeFailureIsOneLineWithoutAStackTrace() {
    int code = run(Map.of(), config -> {
      throw new IllegalStateException("wal_level is replica,\n  but logical replication needs logical");
    }, "serve", "--replica-dir", replicaDir());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines().findFirst())
        .contains("viewsync: wal_level is replica, but logical replication needs logical");
    assertThat(err.toString()).doesNotContain("\tat ").doesNotContain("IllegalStateException");
  }

  @Test
  void verbosePrintsTheStackTrace() {
    int code = run(Map.of(), config -> {
      throw new IllegalStateException("boom");
    }, "serve", "--verbose", "--replica-dir", replicaDir());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("java.lang.IllegalStateException: boom").contains("\tat ");
  }

  @Test
  void viewsyncDebugInTheEnvironmentPrintsTheStackTrace() {
    run(Map.of("VIEWSYNC_DEBUG", "1"), config -> {
      throw new IllegalStateException("boom");
    }, "serve", "--replica-dir", replicaDir());

    assertThat(err.toString()).contains("\tat ");
  }

  @Test
  void aFailureWithoutAMessageIsNamedByItsType() {
    run(Map.of(), config -> {
      throw new NullPointerException();
    }, "serve", "--replica-dir", replicaDir());

    assertThat(err.toString()).startsWith("viewsync: NullPointerException");
  }

  @Test
  void versionAndHelpExitZero() {
    assertThat(run(Map.of(), recording(0), "--version")).isZero();
    assertThat(out.toString()).startsWith("viewsync ");
    assertThat(run(Map.of(), recording(0), "serve", "--help")).isZero();
    assertThat(out.toString()).contains("--upstream=URL").contains("Env VIEWSYNC_UPSTREAM_URL");
    assertThat(launched.get()).isNull();
  }

  @Test
  void helpNeverShowsSecretsFromTheEnvironment() {
    run(Map.of("VIEWSYNC_UPSTREAM_URL", "postgres://u:hunter2@h/d", "VIEWSYNC_ADMIN_TOKEN", "t0psecret"),
        recording(0), "serve", "--help");

    assertThat(out.toString()).doesNotContain("hunter2").doesNotContain("t0psecret");
  }

  @Test
  void ddlCaptureSqlPrintsTheInstallScriptForThePublication() {
    int code = run(Map.of("VIEWSYNC_PUBLICATION", "from_env"), recording(0), "ddl-capture-sql", "--publication", "app_pub");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("CREATE EVENT TRIGGER").contains("app_pub").contains("(managed)")
        .doesNotContain("from_env");
    assertThat(launched.get()).as("nothing is started").isNull();
  }

  @Test
  void ddlCaptureSqlReadsThePublicationFromTheEnvironmentAndCanBeUnmanaged() {
    int code = run(Map.of("VIEWSYNC_PUBLICATION", "from_env"), recording(0), "ddl-capture-sql", "--unmanaged");
    assertThat(code).isZero();
    assertThat(out.toString()).contains("from_env").doesNotContain("(managed)");
  }
}
