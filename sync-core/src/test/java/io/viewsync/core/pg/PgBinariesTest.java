package io.viewsync.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgBinariesTest {

  @TempDir Path root;

  @Test
  void theExplicitDirectoryWinsOverEverythingElse() throws IOException {
    Path explicit = fakeBinDir(root.resolve("custom"));
    fakeBinDir(root.resolve("lib/16/bin"));
    assertThat(PgBinaries.discover(explicit.toString(), () -> Optional.of("/elsewhere"), root.resolve("lib")).binDir())
        .isEqualTo(explicit);
  }

  @Test
  void anIncompleteExplicitDirectoryIsAnErrorNotAFallback() throws IOException {
    Path explicit = Files.createDirectories(root.resolve("custom"));
    fakeBinDir(root.resolve("lib/16/bin"));
    assertThatThrownBy(() -> PgBinaries.discover(explicit.toString(), Optional::empty, root.resolve("lib")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("VIEWSYNC_PG_BIN")
        .hasMessageContaining("initdb");
  }

  @Test
  void pgConfigsBindirIsUsedWhenComplete() throws IOException {
    Path fromPgConfig = fakeBinDir(root.resolve("pgconfig/bin"));
    fakeBinDir(root.resolve("lib/16/bin"));
    assertThat(PgBinaries.discover(null, () -> Optional.of(fromPgConfig + "\n"), root.resolve("lib")).binDir())
        .isEqualTo(fromPgConfig);
  }

  @Test
  void theHighestVersionDirectoryIsChosenNumerically() throws IOException {
    fakeBinDir(root.resolve("lib/9.6/bin"));
    fakeBinDir(root.resolve("lib/17/bin"));
    fakeBinDir(root.resolve("lib/100/bin").getParent().resolve("incomplete")); // 100 has no bin/
    fakeBinDir(root.resolve("lib/15/bin"));
    Path incomplete = Files.createDirectories(root.resolve("lib/18/bin")); // lacks the binaries
    assertThat(incomplete).exists();
    assertThat(PgBinaries.discover(null, Optional::empty, root.resolve("lib")).binDir())
        .isEqualTo(root.resolve("lib/17/bin"));
  }

  @Test
  void nothingFoundNamesWhatWasTriedAndHowToInstall() {
    assertThatThrownBy(() -> PgBinaries.discover("", Optional::empty, root.resolve("missing")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pg_config")
        .hasMessageContaining(root.resolve("missing").toString())
        .hasMessageContaining("apt-get install postgresql");
  }

  @Test
  void theBundledBinariesAreTheLastResort() throws IOException {
    Path bundled = fakeBinDir(root.resolve("bundled"));
    assertThat(PgBinaries.discover(null, Optional::empty, root.resolve("missing"),
        () -> Optional.of(new PgBinaries(bundled))).binDir()).isEqualTo(bundled);
    Path installed = fakeBinDir(root.resolve("lib/15/bin"));
    assertThat(PgBinaries.discover(null, Optional::empty, root.resolve("lib"),
        () -> Optional.of(new PgBinaries(bundled))).binDir()).as("an installed Postgres wins").isEqualTo(installed);
    assertThatThrownBy(() -> PgBinaries.discover(null, Optional::empty, root.resolve("missing"), Optional::empty))
        .hasMessageContaining("bundled");
  }

  @Test
  void versionsCompareNumerically() {
    assertThat(PgBinaries.compareVersions("9.6", "10")).isNegative();
    assertThat(PgBinaries.compareVersions("17", "15")).isPositive();
    assertThat(PgBinaries.compareVersions("16.0", "16")).isZero();
  }

  private static Path fakeBinDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String tool : PgBinaries.REQUIRED) {
      Path f = Files.writeString(dir.resolve(tool), "#!/bin/sh\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return dir;
  }
}
