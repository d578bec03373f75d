package io.viewsync.bench;

import io.viewsync.core.pg.PgBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reference consumer: Postgres' own {@code pg_recvlogical} reading pgoutput (protocol 1, publication
 * {@value #PUBLICATION}) from a slot of its own, doing nothing with the bytes. It decodes nothing and writes
 * nothing durable, so it is the floor for "receive the stream".
 *
 * <p>Not thread-safe; one instance per child process.
 */
final class RecvLogical implements AutoCloseable {
  static final String PUBLICATION = "viewsync";

  private final Process process;

  private RecvLogical(Process process) {
    this.process = process;
  }

  /** Runs {@code pg_recvlogical ... --endpos LSN -f /dev/null} to the end; returns its wall time in nanoseconds. */
  static long drain(Upstream up, String db, String slot, String endLsn, Path log) throws IOException,
      InterruptedException {
    List<String> cmd = command(up, db, slot);
    cmd.addAll(List.of("--endpos", endLsn, "-f", "/dev/null"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("pg_recvlogical did not reach " + endLsn + " in 10 minutes");
    }
    long elapsed = System.nanoTime() - t0;
    if (p.exitValue() != 0) {
      throw new IOException("pg_recvlogical exited with " + p.exitValue() + "; see " + log);
    }
    return elapsed;
  }

  /** Starts {@code pg_recvlogical ... -f -}; read its output from {@link #output()}. */
  static RecvLogical stream(Upstream up, String db, String slot, Path log) throws IOException {
    List<String> cmd = command(up, db, slot);
    cmd.addAll(List.of("-f", "-"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new RecvLogical(pb.start());
  }

  InputStream output() {
    return process.getInputStream();
  }

  private static List<String> command(Upstream up, String db, String slot) {
    Path bin = PgBinaries.discover().tool("pg_recvlogical");
    return new ArrayList<>(List.of(bin.toString(), "-d", db, "-h", up.host(), "-p", Integer.toString(up.port()),
        "-U", up.user(), "--slot", slot, "--start", "--no-loop", "-o", "proto_version=1",
        "-o", "publication_names=" + PUBLICATION));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: pg_recvlogical stops cleanly
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
