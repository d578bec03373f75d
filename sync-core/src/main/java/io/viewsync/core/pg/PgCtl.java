package io.viewsync.core.pg;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands that act on one data directory ({@code initdb}, {@code pg_ctl start/stop/status}),
 * run as the server's {@link ServerAccount}. The server log is {@code server.log} in the data
 * directory ({@code pg_ctl -l}; {@code logging_collector} stays off).
 *
 * <p>Immutable; its methods may be called from any thread, but {@link LocalPostgres} serializes them
 * because a start racing a stop on the same directory makes no sense.
 */
final class PgCtl {

  static final String LOG_FILE = "server.log";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int LOG_TAIL_LINES = 40;

  private final PgBinaries binaries;
  private final ServerAccount account;
  private final Path dataDir;

  PgCtl(PgBinaries binaries, ServerAccount account, Path dataDir) {
    this.binaries = binaries;
    this.account = account;
    this.dataDir = dataDir;
  }

  Path logFile() {
    return dataDir.resolve(LOG_FILE);
  }

  /** Creates the cluster in the (empty, server-owned) data directory and appends {@link ServerSettings}. */
  void initdb(int port, boolean fsync) {
    List<String> command = new ArrayList<>(List.of(binaries.tool("initdb").toString(), "-D", dataDir.toString(),
        "-U", LocalPostgres.SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C"));
    if (!fsync) {
      command.add("--no-sync");
    }
    Command.check(account.wrap(command), TIMEOUT);
    try {
      // The JVM (maybe root) appends; the file stays owned by the server's account.
      Files.write(dataDir.resolve("postgresql.conf"), ServerSettings.confLines(port, fsync), StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("could not configure " + dataDir, e);
    }
  }

  /**
   * {@code pg_ctl start -w}: returns once the postmaster reports ready. On failure throws {@link
   * IllegalStateException} with pg_ctl's output and what this start wrote to the server log, after
   * making sure no half-started postmaster is left.
   */
  void start(int port, boolean fsync, Duration timeout) {
    long logOffset = logSize();
    Command.Result r =
        Command.run(
            account.wrap(List.of(pgCtl(), "-D", dataDir.toString(), "-l", logFile().toString(), "-w",
                "-t", Long.toString(Math.max(1, timeout.toSeconds())),
                "-o", ServerSettings.commandLine(port, fsync), "start")),
            timeout.plusSeconds(30));
    if (!r.ok()) {
      if (isUp()) { // pg_ctl gave up waiting but the postmaster lives on
        stop("immediate");
      }
      throw new IllegalStateException("PostgreSQL did not start on port " + port + " (" + dataDir + "): "
          + r.output().strip() + "\n--- " + logFile() + " ---\n" + logSince(logOffset));
    }
  }

  /** {@code pg_ctl stop -m MODE -w}; true if the server is down afterwards. */
  boolean stop(String mode) {
    Command.run(account.wrap(List.of(pgCtl(), "-D", dataDir.toString(), "stop", "-m", mode, "-w")), TIMEOUT);
    return !isUp();
  }

  /** {@code pg_ctl status}: whether a postmaster runs on this directory. */
  boolean isUp() {
    return Command.run(account.wrap(List.of(pgCtl(), "-D", dataDir.toString(), "status")), TIMEOUT).ok();
  }

  /** The last lines of the server log, for error messages. */
  String logTail() {
    return logSince(0);
  }

  private long logSize() {
    try {
      return Files.exists(logFile()) ? Files.size(logFile()) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The last {@value #LOG_TAIL_LINES} lines written at or after {@code offset}: one start's own messages. */
  private String logSince(long offset) {
    try (RandomAccessFile f = new RandomAccessFile(logFile().toFile(), "r")) {
      long from = Math.max(offset, f.length() - 64 * 1024);
      byte[] bytes = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(no server log: " + e + ")";
    }
  }

  private String pgCtl() {
    return binaries.tool("pg_ctl").toString();
  }
}
