package io.viewsync.server.sync;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.viewsync.core.Lsn;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncHubTest {

  @Test
  void aVersionReadyAfterTheHubClosedIsDropped(@TempDir Path dir) throws Exception {
    SyncHub hub = new SyncHub("test", dir, ViewSyncer.Options.DEFAULTS);
    hub.close();
    // The replicator may still stream for a moment (closed after the hub): its thread must not fail.
    assertThatCode(() -> hub.versionReady(Lsn.of(42))).doesNotThrowAnyException();
    assertThatCode(() -> hub.versionReady(Lsn.of(43))).doesNotThrowAnyException();
  }
}
