package io.viewsync.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Starts the test server in a Testcontainers container when Docker is available. Every Testcontainers
 * class is touched only here, and every failure (including a missing Testcontainers jar) means "no
 * container", so a machine without Docker falls through to a local cluster quickly and quietly.
 *
 * <p>Called once, from {@link TestServer#shared()} under its lock.
 */
final class ContainerServer {

  static final String IMAGE = "postgres:17";
  private static final Logger log = LoggerFactory.getLogger(ContainerServer.class);

  private ContainerServer() {}

  static Optional<TestServer> startIfDockerAvailable() {
    if (!dockerMayBeConfigured()) {
      log.debug("no Docker socket or configuration; not trying Testcontainers");
      return Optional.empty();
    }
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return Optional.empty();
      }
      return Optional.of(start());
    } catch (RuntimeException | LinkageError e) {
      log.info("Testcontainers unusable ({}); using a local PostgreSQL cluster", e.toString());
      return Optional.empty();
    }
  }

  @SuppressWarnings("resource") // stopped by the shutdown hook below (and by Testcontainers' reaper)
  private static TestServer start() {
    PostgreSQLContainer container =
        new PostgreSQLContainer(IMAGE)
            .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=32",
                "-c", "max_wal_senders=32", "-c", "fsync=off");
    container.start();
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "viewsync-test-pg-container-stop"));
    return new TestServer("Testcontainers " + IMAGE,
        new ServerAddress(container.getHost(), container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT)),
        container.getDatabaseName(), container.getUsername(), container.getPassword(), null);
  }

  /**
   * A cheap look for any sign of Docker before asking Testcontainers, whose own probe logs errors and
   * tries several strategies. Misses only exotic setups, which can still set {@code DOCKER_HOST}.
   */
  static boolean dockerMayBeConfigured() {
    if (System.getenv("DOCKER_HOST") != null || System.getenv("TESTCONTAINERS_DOCKER_SOCKET_OVERRIDE") != null) {
      return true;
    }
    String home = System.getProperty("user.home", "");
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    return Files.exists(Path.of("/var/run/docker.sock"))
        || Files.exists(Path.of(home, ".testcontainers.properties"))
        || Files.exists(Path.of(home, ".docker", "run", "docker.sock"))
        || Files.exists(Path.of(home, ".colima", "default", "docker.sock"))
        || (runtime != null && Files.exists(Path.of(runtime, "docker.sock")));
  }
}
