package io.viewsync.core.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalPostgresIT {

  private static LocalPostgres pg;

  @BeforeAll
  static void startCluster() {
    pg = LocalPostgres.builder().fsync(false).build().start();
  }

  @AfterAll
  static void closeCluster() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void serverRunsAsAnUnprivilegedUserWhenTheJvmIsRoot() throws Exception {
    String owner = Files.getOwner(pg.dataDir()).getName();
    String postmasterPid = Files.readAllLines(pg.dataDir().resolve("postmaster.pid")).get(0).strip();
    String processUser = Files.getOwner(Path.of("/proc", postmasterPid)).getName();
    if (ServerAccount.isRoot()) {
      assertThat(processUser).isNotEqualTo("root").isIn(ServerAccount.USER, "nobody");
      assertThat(owner).isEqualTo(processUser);
    } else {
      assertThat(processUser).isEqualTo(System.getProperty("user.name"));
    }
  }

  @Test
  void walLevelIsLogicalAndAPgoutputSlotCanBeCreated() throws Exception {
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      assertThat(single(s, "SHOW wal_level")).isEqualTo("logical");
      s.execute("CREATE PUBLICATION it_pub FOR ALL TABLES");
      assertThat(single(s, "SELECT slot_name FROM pg_create_logical_replication_slot('it_slot', 'pgoutput')"))
          .isEqualTo("it_slot");
      s.execute("SELECT pg_drop_replication_slot('it_slot')");
      s.execute("DROP PUBLICATION it_pub");
    }
  }

  @Test
  void listensOnLoopbackTcpOnly() throws Exception {
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      assertThat(single(s, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
      assertThat(single(s, "SHOW unix_socket_directories")).isEmpty();
      assertThat(single(s, "SHOW fsync")).isEqualTo("off");
    }
  }

  @Test
  void restartKeepsPortAndData() throws Exception {
    int port = pg.port();
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE survives_restart(id int primary key)");
      s.execute("INSERT INTO survives_restart VALUES (42)");
    }
    pg.restart();
    assertThat(pg.port()).isEqualTo(port);
    assertThat(pg.isRunning()).isTrue();
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      assertThat(single(s, "SELECT id FROM survives_restart")).isEqualTo("42");
      s.execute("DROP TABLE survives_restart");
    }
  }

  @Test
  void stopStopsAndAPersistentDirectoryIsReusedByTheNextStart(/* its own cluster */) throws Exception {
    Path dir = Files.createTempDirectory("viewsync-pg-it-");
    Path data = dir.resolve("data");
    dir.toFile().setExecutable(true, false); // createTempDirectory makes 0700; the server user must traverse it
    try {
      LocalPostgres first = LocalPostgres.builder().dataDir(data).fsync(false).build().start();
      try (Connection c = DriverManager.getConnection(first.jdbcUrl("postgres"), first.superuser(), "");
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept(v text)");
        s.execute("INSERT INTO kept VALUES ('still here')");
      }
      first.close();
      assertThat(first.isRunning()).isFalse();
      assertThatThrownBy(() -> DriverManager.getConnection(first.jdbcUrl("postgres"), "postgres", ""))
          .isInstanceOf(SQLException.class);
      assertThat(data.resolve("PG_VERSION")).exists(); // persistent: close keeps the data

      try (LocalPostgres second = LocalPostgres.builder().dataDir(data).fsync(false).build().start();
          Connection c = DriverManager.getConnection(second.jdbcUrl("postgres"), second.superuser(), "");
          Statement s = c.createStatement()) {
        assertThat(single(s, "SELECT v FROM kept")).isEqualTo("still here");
      }
    } finally {
      Command.run(List.of("rm", "-rf", dir.toString()), Duration.ofSeconds(30));
    }
  }

  @Test
  void aFailedStartQuotesTheServerLog() throws Exception {
    try (ServerSocketChannel taken = ServerSocketChannel.open(StandardProtocolFamily.INET)
            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        LocalPostgres blocked = LocalPostgres.builder().port(((InetSocketAddress) taken.getLocalAddress()).getPort())
            .fsync(false).build()) {
      assertThatThrownBy(blocked::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("did not start on port " + ((InetSocketAddress) taken.getLocalAddress()).getPort())
          .hasMessageContaining("could not bind");
      assertThat(blocked.isRunning()).isFalse();
    }
  }

  @Test
  void aNonEmptyDirectoryWithoutPgVersionIsRefused() throws Exception {
    Path dir = Files.createTempDirectory("viewsync-pg-it-");
    Files.writeString(dir.resolve("something"), "x");
    try {
      assertThatThrownBy(() -> LocalPostgres.builder().dataDir(dir).build().start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not empty");
    } finally {
      Command.run(List.of("rm", "-rf", dir.toString()), Duration.ofSeconds(30));
    }
  }

  @Test
  void asRootADataDirectoryBehindAPrivateParentIsRefusedWithTheFix() throws Exception {
    assumeTrue(ServerAccount.isRoot(), "only root hands the server to another user");
    Path dir = Files.createTempDirectory("viewsync-pg-private-"); // 0700, owned by root
    try {
      assertThatThrownBy(() -> LocalPostgres.builder().dataDir(dir.resolve("data")).build().start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("chmod o+x " + dir);
    } finally {
      Command.run(List.of("rm", "-rf", dir.toString()), Duration.ofSeconds(30));
    }
  }

  @Test
  void theWatchdogStopsTheServerWhenTheOwningJvmIsKilled() throws Exception {
    Path dir = Files.createTempDirectory("viewsync-pg-owner-");
    dir.toFile().setExecutable(true, false);
    Path data = dir.resolve("data");
    Process owner = startOwner(data.toString());
    try {
      int port = awaitReady(owner).port;
      killAndExpectServerGone(owner, port, data);
      assertThat(data.resolve("PG_VERSION")).as("a persistent cluster keeps its data").exists();
    } finally {
      cleanUp(owner, data);
      Command.run(List.of("rm", "-rf", dir.toString()), Duration.ofSeconds(30));
    }
  }

  @Test
  void theWatchdogAlsoDeletesAThrowawayClusterWhenTheOwningJvmIsKilled() throws Exception {
    Process owner = startOwner();
    Path data = null;
    try {
      Ready ready = awaitReady(owner);
      data = ready.dataDir;
      killAndExpectServerGone(owner, ready.port, data);
      awaitGone(data);
    } finally {
      if (data != null) {
        cleanUp(owner, data);
        Command.run(List.of("rm", "-rf", data.toString()), Duration.ofSeconds(30));
      }
    }
  }

  private record Ready(int port, Path dataDir) {}

  private static Process startOwner(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LocalPostgresOwnerMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static Ready awaitReady(Process owner) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.startsWith("READY ")) {
        String[] parts = line.split(" ", 3);
        return new Ready(Integer.parseInt(parts[1]), Path.of(parts[2].strip()));
      }
    }
    throw new AssertionError("the owner JVM exited without starting PostgreSQL:\n" + seen);
  }

  private static void killAndExpectServerGone(Process owner, int port, Path data) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
      assertThat(c.isValid(5)).isTrue();
    }
    owner.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(owner.waitFor(10, TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    boolean refused = false;
    while (!refused && System.nanoTime() < deadline) {
      try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
        Thread.sleep(200);
      } catch (SQLException e) {
        refused = true;
      }
    }
    assertThat(refused).as("postgres still accepts connections after its owner was killed").isTrue();
    awaitGone(data.resolve("postmaster.pid"));
  }

  /** If the watchdog failed, do not leave a server running for the rest of the build. */
  private static void cleanUp(Process owner, Path data) {
    owner.destroyForcibly();
    if (Files.exists(data.resolve("postmaster.pid"))) {
      Command.run(ServerAccount.forThisProcess().wrap(List.of(PgBinaries.discover().tool("pg_ctl").toString(),
          "-D", data.toString(), "stop", "-m", "immediate")), Duration.ofSeconds(30));
    }
  }

  private static void awaitGone(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (Files.exists(file) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(file).doesNotExist();
  }

  private static Connection connect(String db) throws SQLException {
    return DriverManager.getConnection(pg.jdbcUrl(db), pg.superuser(), "");
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
