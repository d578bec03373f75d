package io.viewsync.core.pg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL cluster run from local binaries, for tests (throwaway, in a temp directory) and for
 * {@code viewsync serve} without an upstream URL (persistent, under the replica directory).
 *
 * <pre>{@code
 * try (LocalPostgres pg = LocalPostgres.builder().dataDir(dir).build().start()) {
 *   String url = pg.jdbcUrl("postgres");   // superuser "postgres", trust auth, 127.0.0.1 only
 * }
 * }</pre>
 *
 * <p>A data directory without {@code PG_VERSION} is created with {@code initdb} and configured for
 * logical replication ({@link ServerSettings}); one with {@code PG_VERSION} is reused as it is. When
 * the JVM runs as root the server runs as an unprivileged account ({@link ServerAccount}).
 *
 * <p>The server never outlives this JVM: a shutdown hook stops it ({@code -m fast}), and a {@link
 * Watchdog} process stops it ({@code -m immediate}) if the JVM is killed outright. The server log is
 * {@code server.log} in the data directory; a failed start quotes its tail.
 *
 * <p>Thread safety: all methods are safe from any thread; {@link #start}, {@link #stop}, {@link
 * #restart} and {@link #close} are serialized on this object and block while the server starts or
 * stops (seconds), so do not call them from an event loop.
 */
public final class LocalPostgres implements AutoCloseable {

  public static final String SUPERUSER = "postgres";
  public static final String HOST = "127.0.0.1";
  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

  private final PgBinaries binaries;
  private final ServerAccount account;
  private final Path requestedDataDir;
  private final int requestedPort;
  private final boolean fsync;
  private final Duration startTimeout;
  private final boolean stopOnJvmExit;

  // Guarded by this.
  private Path dataDir;
  private PgCtl ctl;
  private boolean throwaway;
  private int port;
  private boolean running;
  private Watchdog watchdog;
  private Thread shutdownHook;

  private LocalPostgres(Builder b) {
    this.binaries = b.binaries != null ? b.binaries : PgBinaries.discover();
    this.account = ServerAccount.forThisProcess();
    this.requestedDataDir = b.dataDir == null ? null : b.dataDir.toAbsolutePath().normalize();
    this.requestedPort = b.port;
    this.fsync = b.fsync;
    this.startTimeout = b.startTimeout;
    this.stopOnJvmExit = b.stopOnJvmExit;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * True when a server started by this JVM could use {@code dataDir}: when the JVM runs as root, the server runs as
   * an unprivileged account, which must be able to traverse every parent of the directory.
   */
  public static boolean canUseDataDir(Path dataDir) {
    return ServerAccount.forThisProcess().canReach(dataDir.toAbsolutePath().normalize());
  }

  /** Options; every one has a default. Not thread-safe. */
  public static final class Builder {
    private Path dataDir;
    private int port;
    private boolean fsync = true;
    private Duration startTimeout = Duration.ofSeconds(60);
    private PgBinaries binaries;
    private boolean stopOnJvmExit = true;

    private Builder() {}

    /**
     * Default true: a JVM shutdown hook stops the server. False for an owner that stops it itself in order at
     * shutdown (the service stops its replicator before its embedded Postgres; a hook of its own would stop
     * Postgres under it). The {@link Watchdog} still stops the server if the JVM dies without closing it.
     */
    public Builder stopOnJvmExit(boolean stopOnJvmExit) {
      this.stopOnJvmExit = stopOnJvmExit;
      return this;
    }

    /**
     * Where the cluster lives; created with {@code initdb} if it has no {@code PG_VERSION}, reused
     * otherwise. Default: a new throwaway directory under {@code java.io.tmpdir}, deleted by {@link
     * #close()}. When the JVM runs as root every parent must be traversable by others.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** TCP port on 127.0.0.1; default 0 picks a free one (kept across {@link #restart()}). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Default true. False also turns off synchronous_commit and full_page_writes: for tests only. */
    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /** How long {@link #start()} waits for the server to accept connections; default 60 s. */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = startTimeout;
      return this;
    }

    /** Default {@link PgBinaries#discover()}. */
    public Builder binaries(PgBinaries binaries) {
      this.binaries = binaries;
      return this;
    }

    public LocalPostgres build() {
      return new LocalPostgres(this);
    }
  }

  /** Creates the cluster if needed and starts it; returns this. Throws {@link IllegalStateException} with the server log's tail on failure. */
  public synchronized LocalPostgres start() {
    if (running) {
      return this;
    }
    if (shutdownHook == null && stopOnJvmExit) {
      shutdownHook = new Thread(this::stopQuietly, "viewsync-pg-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
    if (dataDir == null) {
      prepareDataDir();
    }
    int wanted = port != 0 ? port : requestedPort; // a restarted handle keeps the port it had
    if (wanted == 0) {
      startOnFreePort();
    } else {
      startOn(wanted);
    }
    return this;
  }

  /** Stops the server ({@code pg_ctl stop -m fast}); the data directory stays. No-op when stopped. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    watchdog.disarm(); // first, so that it cannot stop a server that restart() starts next
    watchdog = null;
    running = false;
    if (!ctl.stop("fast")) {
      throw new IllegalStateException("pg_ctl stop failed for " + dataDir + "\n" + ctl.logTail());
    }
    log.info("stopped PostgreSQL on port {} ({})", port, dataDir);
  }

  /** Stops fast and starts again on the same port and data directory, as a Postgres restart would. */
  public synchronized void restart() {
    stop();
    startOn(port);
  }

  /** Whether the server process is up (asks {@code pg_ctl status}, so it notices a server stopped from outside). */
  public synchronized boolean isRunning() {
    return running && ctl.isUp();
  }

  /** Stops the server and, for a throwaway cluster, deletes its data directory. Idempotent. */
  @Override
  public synchronized void close() {
    try {
      stop();
    } finally {
      if (shutdownHook != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is running or about to; it will find the server stopped
        }
        shutdownHook = null;
      }
      deleteIfThrowaway();
    }
  }

  /** The TCP port; 0 before the first {@link #start()} when the builder asked for a free port. */
  public synchronized int port() {
    return port;
  }

  public String host() {
    return HOST;
  }

  /** The superuser's name, {@value #SUPERUSER}; authentication is {@code trust}, no password. */
  public String superuser() {
    return SUPERUSER;
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE}; pass {@link #superuser()} as the user. */
  public synchronized String jdbcUrl(String database) {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  /** The data directory; null before the first {@link #start()} of a throwaway cluster. */
  public synchronized Path dataDir() {
    return dataDir;
  }

  /** The server log, {@code server.log} in the data directory; null before the first start of a throwaway cluster. */
  public synchronized Path logFile() {
    return ctl == null ? null : ctl.logFile();
  }

  // ---- creating the cluster ----

  private void prepareDataDir() {
    try {
      if (requestedDataDir == null) {
        // The directory itself is the data dir, so that the server's account, which owns it, may delete it.
        dataDir = Files.createTempDirectory("viewsync-pg-");
        throwaway = true;
      } else {
        dataDir = requestedDataDir;
      }
      ctl = new PgCtl(binaries, account, dataDir);
      if (Files.exists(dataDir.resolve("PG_VERSION"))) {
        log.info("reusing PostgreSQL data directory {}", dataDir);
        account.takeOwnership(dataDir);
        if (ctl.isUp()) { // left by a JVM whose watchdog died too: stop it, so that this JVM owns what it starts
          log.warn("a PostgreSQL server is already running on {}; stopping it first", dataDir);
          ctl.stop("fast");
        }
        return;
      }
      Files.createDirectories(dataDir);
      try (Stream<Path> entries = Files.list(dataDir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalStateException(
              "cannot create a PostgreSQL cluster in " + dataDir + ": it is not empty and has no PG_VERSION");
        }
      }
      account.takeOwnership(dataDir);
      log.info("initdb {} as {}", dataDir, account.user().orElse(System.getProperty("user.name")));
      ctl.initdb(requestedPort, fsync);
    } catch (IOException e) {
      throw new UncheckedIOException("could not prepare PostgreSQL data directory " + dataDir, e);
    }
  }

  // ---- starting ----

  private void startOnFreePort() {
    // Another process may grab the port between our probe and the server's bind: retry with a new one.
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int candidate = freePort();
      try {
        startOn(candidate);
        return;
      } catch (IllegalStateException e) {
        if (!e.getMessage().contains("could not bind") && !e.getMessage().contains("already in use")) {
          throw e;
        }
        log.info("port {} was taken before PostgreSQL bound it; trying another", candidate);
        last = e;
      }
    }
    throw last;
  }

  private void startOn(int candidate) {
    // Armed before the start, so that a JVM killed mid-start leaves nothing running either.
    Watchdog armed = Watchdog.arm(account, binaries.tool("pg_ctl"), dataDir, throwaway);
    try {
      ctl.start(candidate, fsync, startTimeout);
      awaitConnection(candidate);
    } catch (RuntimeException e) {
      armed.disarm();
      ctl.stop("immediate");
      throw e;
    }
    watchdog = armed;
    port = candidate;
    running = true;
    log.info("PostgreSQL {} running on {}:{} as {} ({})", binaries.binDir(), HOST, port,
        account.user().orElse(System.getProperty("user.name")), dataDir);
  }

  /** pg_ctl -w waits for postmaster.pid to say "ready"; this also proves the TCP listener answers. */
  private void awaitConnection(int candidate) {
    String url = "jdbc:postgresql://" + HOST + ":" + candidate + "/postgres";
    long deadline = System.nanoTime() + startTimeout.toNanos();
    Properties props = new Properties();
    props.setProperty("user", SUPERUSER);
    props.setProperty("connectTimeout", "5");
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      try (Connection c = DriverManager.getConnection(url, props)) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException("PostgreSQL on port " + candidate + " does not accept connections: " + last
        + "\n--- " + ctl.logFile() + " ---\n" + ctl.logTail(), last);
  }

  // ---- helpers ----

  private void stopQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      log.warn("could not stop PostgreSQL at JVM exit ({}); the watchdog will", dataDir, e);
    }
  }

  private void deleteIfThrowaway() {
    if (!throwaway || dataDir == null) {
      return;
    }
    try {
      io.viewsync.core.FileTrees.delete(dataDir);
    } catch (IOException e) {
      log.warn("could not delete throwaway PostgreSQL directory {}: {}", dataDir, e.toString());
    }
  }

  private static int freePort() {
    // An IPv4 socket, like the server's listener on 127.0.0.1.
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
      return ((InetSocketAddress) s.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port on " + HOST, e);
    }
  }
}
