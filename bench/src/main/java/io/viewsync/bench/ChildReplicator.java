package io.viewsync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bench side of a {@link ReplicatorHostMain} child JVM ({@code -Xmx512m}, same classpath as this JVM, log on
 * {@code LOG_FILE}): sends its commands, waits for its answers, and reads its peak resident set size.
 *
 * <p>Used from one thread; a daemon thread reads the child's stdout into a queue.
 */
final class ChildReplicator implements AutoCloseable {
  static final String HEAP = "-Xmx512m";

  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final Path log;

  private ChildReplicator(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readAnswers, "bench-child-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** @param jvmOptions extra options for the child JVM, before those of {@code -Dbench.child.jvm} */
  static ChildReplicator launch(Path log, String... jvmOptions) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, HEAP));
    cmd.addAll(List.of(jvmOptions));
    // For diagnosis, e.g. -Dbench.child.jvm=-XX:StartFlightRecording=filename=/tmp/child.jfr (space-separated).
    String extra = System.getProperty("bench.child.jvm", "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split(" +")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ReplicatorHostMain.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    ChildReplicator c = new ChildReplicator(pb.start(), log);
    c.await("READY", 60);
    return c;
  }

  /** Constructs a replicator in the child (nothing runs until {@link #start()}). */
  void open(String jdbcUrl, String user, Path replicaDir, String slot) throws IOException {
    send("open " + jdbcUrl + " " + user + " " + replicaDir + " " + slot);
    await("OPENED", 30);
  }

  /**
   * Constructs a replicator whose listener is a {@link io.viewsync.server.sync.SyncHub} (client view records in
   * {@code replicaDir}), as the service wires them; {@link #serve()} then puts it behind a WebSocket.
   */
  void openSync(String jdbcUrl, String user, Path replicaDir, String slot) throws IOException {
    send("open " + jdbcUrl + " " + user + " " + replicaDir + " " + slot + " sync");
    await("OPENED", 30);
  }

  /** Starts the HTTP server with the hub at {@code /sync/v1} on 127.0.0.1; returns its port. */
  int serve() throws IOException {
    send("serve");
    return Integer.parseInt(awaitAnswer("SERVING ", 30).substring("SERVING ".length()));
  }

  /** Writes "nanoTime lsn" of every watermark announced to the hub so far into {@code file}; returns how many. */
  int versions(Path file) throws IOException {
    send("versions " + file);
    return Integer.parseInt(awaitAnswer("VERSIONS ", 30).substring("VERSIONS ".length()));
  }

  /** Heap used after two {@code System.gc()} in the child, bytes. */
  long heapAfterGc() throws IOException {
    send("heap");
    return Long.parseLong(awaitAnswer("HEAP ", 120).substring("HEAP ".length()));
  }

  /** The child's {@link System#nanoTime()}. */
  long nanos() throws IOException {
    send("nanos");
    return Long.parseLong(awaitAnswer("NANOS ", 30).substring("NANOS ".length()));
  }

  /** CPU time (user + system) of the child so far, in nanoseconds ({@code /proc/PID/stat}, clock ticks). */
  long cpuNanos() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // After the command name: state is field 3, utime field 14, stime field 15 (1-based in proc(5)).
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * (1_000_000_000L / CLOCK_TICKS);
  }

  /** USER_HZ; 100 on Linux (proc(5)). */
  private static final long CLOCK_TICKS = 100;

  /** Sends {@code start} and returns at once; {@link #awaitStreaming} waits for the phase change. */
  void start() throws IOException {
    send("start");
  }

  void awaitStreaming(int timeoutSeconds) throws IOException {
    await("STARTED", timeoutSeconds);
    await("STREAMING", timeoutSeconds);
  }

  /** Asks for a per-table resync; returns the {@code ResyncResult} name at once (the copy runs on). */
  String resync(String table) throws IOException {
    send("resync " + table);
    return awaitAnswer("RESYNC ", 30).substring("RESYNC ".length());
  }

  /** The replicator's phase, watermark and the table's state ("-" if the table is unknown). */
  String[] status(String table) throws IOException {
    send("status " + table);
    return awaitAnswer("STATUS ", 30).substring("STATUS ".length()).split(" ");
  }

  void closeReplicator() throws IOException {
    send("close");
    await("CLOSED", 60);
  }

  /** Peak resident set size of the child so far ({@code VmHWM} in {@code /proc/PID/status}), in KiB. */
  long peakRssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmHWM for pid " + process.pid());
  }

  private void send(String command) throws IOException {
    commands.write(command + "\n");
    commands.flush();
  }

  private void await(String expected, int timeoutSeconds) throws IOException {
    String got = next(expected, timeoutSeconds);
    if (!expected.equals(got)) {
      throw new IOException("child replicator answered " + got + " instead of " + expected + "; see " + log);
    }
  }

  private String awaitAnswer(String prefix, int timeoutSeconds) throws IOException {
    String got = next(prefix, timeoutSeconds);
    if (got == null || !got.startsWith(prefix)) {
      throw new IOException("child replicator answered " + got + " instead of " + prefix + "…; see " + log);
    }
    return got;
  }

  private String next(String expected, int timeoutSeconds) throws IOException {
    try {
      return answers.poll(timeoutSeconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + expected, e);
    }
  }

  private void readAnswers() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.startsWith("[")) { // JVM unified logging (e.g. JFR's start message) also goes to stdout
          answers.add(line);
        }
      }
    } catch (IOException e) {
      answers.add("EOF " + e);
    }
    answers.add("EOF");
  }

  @Override
  public void close() throws IOException {
    try {
      send("exit");
    } catch (IOException alreadyGone) {
      // the process is gone already
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
