package io.viewsync.replica;

import io.viewsync.core.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link ReplicatorMain} in a child JVM that a test can SIGKILL. Used from one test thread. */
final class ChildReplicator implements AutoCloseable {
  private final Process process;
  private final CompletableFuture<Boolean> streaming = new CompletableFuture<>();
  private final Path log;

  ChildReplicator(TestDatabase db, Path dir, String heap) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        ReplicatorMain.class.getName(), db.jdbcUrl(), db.user(), db.password() == null ? "" : db.password(),
        dir.toString(), ReplicaTesting.slotName(db)));
    log = Files.createTempFile("viewsync-child", ".log");
    process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
          if (line.equals("STREAMING")) {
            streaming.complete(true);
          }
        }
      } catch (IOException e) {
        // the process died; the test looks at its exit code
      }
      streaming.complete(false);
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  boolean awaitStreaming(long seconds) throws Exception {
    return streaming.get(seconds, TimeUnit.SECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye to Postgres. */
  void kill9() throws Exception {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      kill9();
    }
  }
}
