package io.viewsync.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real service jar run as a child process ({@code viewsync serve …} or {@code viewsync demo …}), its output in
 * a log file next to its directory. Not thread-safe; one test drives it.
 */
final class ServiceProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final List<String> args; // mutable: a restart may leave a flag out
  private final Path log;
  final int port;
  private Process process;

  /** @param args the CLI arguments after the jar, e.g. {@code demo --replica-dir D}; {@code --port} is added */
  ServiceProcess(Path log, int port, String... args) {
    this.log = log;
    this.port = port;
    this.args = new ArrayList<>(List.of(args));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Starts the process (again) with the same arguments, appending to the log, and waits for {@code /readyz}. */
  ServiceProcess start() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-jar", System.getProperty("viewsync.jar")));
    cmd.addAll(args);
    cmd.addAll(List.of("--port", String.valueOf(port)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("VIEWSYNC_") && !k.equals("VIEWSYNC_PG_BIN"));
    process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("the service exited with %s; log:%n%s",
          process.isAlive() ? "" : process.exitValue(), log()).isTrue();
      HttpResponse<String> r = get("/readyz");
      if (r != null && r.statusCode() == 200) {
        return this;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not ready within 120 s; log:\n" + log());
  }

  /** Starts the process again without {@code flag} (say {@code --fresh}), and so on every later start. */
  ServiceProcess startWithout(String flag) throws Exception {
    assertThat(args.remove(flag)).as("%s was among the arguments %s", flag, args).isTrue();
    return start();
  }

  /** GET of a path, or null when the service does not answer. */
  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10)).build());
  }

  HttpResponse<String> post(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGKILL, as a crash or an OOM killer would; waits for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  /** SIGTERM (what Ctrl-C and service managers send); returns the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s; log:%n%s", log()).isTrue();
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
