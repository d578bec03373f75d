package io.viewsync.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeConfigTest {

  @TempDir
  Path tmp;

  private static ServeConfig withReplicaDir(Path dir) {
    return ServeOptions.parse(new String[] {"--replica-dir", dir.toString()}, Map.of());
  }

  @Test
  void toStringRedactsTheUpstreamPasswordAndTheAdminToken() {
    ServeConfig config = ServeOptions.parse(new String[0],
        Map.of("VIEWSYNC_UPSTREAM_URL", "postgres://u:hunter2@h/d", "VIEWSYNC_ADMIN_TOKEN", "t0psecret"));

    assertThat(config.toString())
        .contains("upstream=postgresql://u:***@h:5432/d", "adminToken=***")
        .doesNotContain("hunter2", "t0psecret");
  }

  @Test
  void anExistingWritableReplicaDirPasses() {
    withReplicaDir(tmp).checkReplicaDirWritable();
  }

  @Test
  void aMissingReplicaDirUnderAWritableParentPassesAndCanBeCreated() throws IOException {
    ServeConfig config = withReplicaDir(tmp.resolve("a/b/replica"));

    config.checkReplicaDirWritable();
    assertThat(config.createReplicaDir()).isDirectory();
  }

  @Test
  void aReplicaDirThatIsAFileIsRejected() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");

    assertThatThrownBy(() -> withReplicaDir(file).checkReplicaDirWritable())
        .hasMessageStartingWith("--replica-dir (env VIEWSYNC_REPLICA_DIR): ")
        .hasMessageEndingWith("exists but is not a directory");
  }

  @Test
  void aReplicaDirBelowAFileCannotBeCreated() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");

    assertThatThrownBy(() -> withReplicaDir(file.resolve("replica")).checkReplicaDirWritable())
        .hasMessageContaining("does not exist and cannot be created")
        .hasMessageContaining("is not a writable directory");
  }

  @Test
  void aReadOnlyReplicaDirIsRejected() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("ro"));
    boolean madeReadOnly = dir.toFile().setWritable(false, false);
    try {
      // Root can write anywhere, so the check is only meaningful when the directory really became read-only.
      org.junit.jupiter.api.Assumptions.assumeTrue(madeReadOnly && !Files.isWritable(dir), "running as root");
      assertThatThrownBy(() -> withReplicaDir(dir).checkReplicaDirWritable())
          .hasMessageEndingWith("is not writable by this user");
    } finally {
      dir.toFile().setWritable(true, false);
    }
  }

  @Test
  void theConstructorRejectsABlankAdminToken() {
    ServeConfig d = ServeConfig.defaults();
    assertThatThrownBy(() -> new ServeConfig(d.upstream(), d.replicaDir(), d.port(), d.bind(), d.publication(),
        d.slot(), d.tables(), d.copyWorkers(), d.heartbeatInterval(), d.readyLagBytes(), java.util.Optional.of(" ")))
        .hasMessageStartingWith("--admin-token");
  }
}
