package io.viewsync.core.pg;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny shell process that stops the server when this JVM dies, however it dies (including
 * {@code kill -9}, where no shutdown hook runs).
 *
 * <p>The shell blocks reading a pipe whose write end only this JVM holds. When the JVM exits the
 * kernel closes that end, {@code read} sees end-of-file, and the shell runs {@code pg_ctl stop -m
 * immediate} (and, for a throwaway cluster, deletes the data directory). A pipe is used rather than
 * polling {@code kill -0 PID}: it cannot be fooled by PID reuse, and {@code kill -0} on a root JVM fails
 * with EPERM for the unprivileged server user. {@link #disarm()} writes {@code disarm} so the shell
 * exits without touching the server, which must happen before a planned stop so that a late
 * watchdog cannot kill a restarted server.
 *
 * <p>The shell runs as the server's account, in its own session ({@code setsid}) so that a Ctrl-C
 * delivered to the JVM's process group does not kill it before it has done its job.
 *
 * <p>Not thread-safe; {@link LocalPostgres} calls it under its lock.
 */
final class Watchdog {

  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  // $1 = pg_ctl, $2 = data directory, $3 = "delete" for a throwaway cluster.
  private static final String SCRIPT =
      "trap '' INT HUP TERM; read line; if [ \"$line\" = disarm ]; then exit 0; fi; "
          + "\"$1\" -D \"$2\" stop -m immediate -w >/dev/null 2>&1; "
          + "if [ \"$3\" = delete ]; then rm -rf \"$2\"; fi";

  private final Process process;
  private final OutputStream pipe;

  private Watchdog(Process process) {
    this.process = process;
    this.pipe = process.getOutputStream();
  }

  static Watchdog arm(ServerAccount account, Path pgCtl, Path dataDir, boolean deleteOnDeath) {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      command.add("/usr/bin/setsid");
    }
    command.addAll(
        account.wrap(
            List.of("sh", "-c", SCRIPT, "viewsync-pg-watchdog", pgCtl.toString(), dataDir.toString(),
                deleteOnDeath ? "delete" : "keep")));
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(new File("/"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start(); // stdin stays a pipe: it is the lifeline
      log.debug("armed watchdog pid {} for {}", p.pid(), dataDir);
      return new Watchdog(p);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the PostgreSQL watchdog " + command, e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** Tells the shell to exit without stopping the server, and waits briefly for it. */
  void disarm() {
    try {
      pipe.write("disarm\n".getBytes(StandardCharsets.US_ASCII));
      pipe.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        log.warn("watchdog pid {} did not exit after disarm; killing it", process.pid());
        process.destroyForcibly();
      }
    } catch (IOException e) {
      log.warn("watchdog pid {} already gone: {}", process.pid(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
