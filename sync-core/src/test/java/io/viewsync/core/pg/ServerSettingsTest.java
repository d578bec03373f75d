package io.viewsync.core.pg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerSettingsTest {

  @Test
  void theConfigEnablesLogicalReplicationOnLoopbackTcpOnly() {
    assertThat(ServerSettings.confLines(5433, true))
        .contains("wal_level = logical", "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''",
            "max_replication_slots = 32", "max_wal_senders = 32", "max_connections = 200", "port = 5433",
            "fsync = on", "synchronous_commit = on", "full_page_writes = on");
  }

  @Test
  void withoutFsyncTheOtherDurabilitySettingsAreOffToo() {
    assertThat(ServerSettings.confLines(5433, false)).contains("fsync = off", "synchronous_commit = off", "full_page_writes = off");
  }

  @Test
  void aPortChosenAtStartIsNotWrittenToTheFile() {
    assertThat(ServerSettings.confLines(0, false)).noneMatch(line -> line.startsWith("port"));
  }

  @Test
  void theCommandLineCarriesPortAndDurability() {
    assertThat(ServerSettings.commandLine(6000, false))
        .isEqualTo("-c port=6000 -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
  }
}
