package io.viewsync.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the browser client's own tests ({@code clients/js/test}, Node's built-in runner) against the real service
 * jar replicating this class's database, so that they run in {@code ./mvnw verify} and in CI. The Node tests change
 * upstream data with {@code psql}; {@code VIEWSYNC_TEST_REQUIRED=1} makes the ones that need the server fail
 * instead of skipping when they find no server.
 */
@ExtendWith(PostgresExtension.class)
class JsClientIT {

  private static final Pattern SUMMARY = Pattern.compile("^# (tests|pass|fail|skipped|todo|cancelled) (\\d+)$",
      Pattern.MULTILINE);

  /** What a finished child process printed, and its exit code. */
  private record Run(int exit, String out) {}

  /** Runs a command in {@code dir}, its output in a file, killed after {@code minutes}. */
  private static Run run(Path dir, Map<String, String> env, int minutes, String... cmd) throws Exception {
    Path out = Files.createTempFile("jsclientit-", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(out.toFile());
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (java.io.IOException e) {
      throw new AssertionError("cannot run " + cmd[0] + " (Node.js 20 or newer, with npm, is needed for clients/js's"
          + " tests): " + e, e);
    }
    if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish within " + minutes + " minutes:\n"
          + Files.readString(out, StandardCharsets.UTF_8));
    }
    try {
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @Test
  void theHandWrittenTypesCompileAgainstTheWayTheReadmeUsesTheClient() throws Exception {
    Path clientDir = Path.of(System.getProperty("viewsync.repo"), "clients", "js").toAbsolutePath().normalize();
    // TypeScript comes from the npm registry (pinned in package.json); test/types/usage.ts holds an @ts-expect-error.
    Run npm = run(clientDir, Map.of(), 5, "npm", "run", "--silent", "typecheck");
    assertThat(npm.exit()).as("npm run typecheck:%n%s", npm.out()).isZero();
  }

  @Test
  void theJavaScriptClientsTestsPassAgainstARealServer(TestDatabase db, @TempDir Path tmp) throws Exception {
    Path clientDir = Path.of(System.getProperty("viewsync.repo"), "clients", "js").toAbsolutePath().normalize();
    assertThat(clientDir.resolve("package.json")).exists();
    String pgUrl = "postgresql://" + db.user() + (db.password() == null ? "" : ":" + db.password()) + "@"
        + db.server().host() + ":" + db.server().port() + "/" + db.databaseName();
    try (ServiceProcess service = new ServiceProcess(tmp.resolve("serve.log"), ServiceProcess.freePort(),
        "serve", "--upstream", pgUrl, "--replica-dir", tmp.resolve("replica").toString(), "--slot", "js_client_it")
        .start()) {
      List<String> cmd = new ArrayList<>(List.of("node", "--experimental-websocket", "--test", "--test-reporter=tap",
          "--test-concurrency=1"));
      try (Stream<Path> files = Files.list(clientDir.resolve("test"))) {
        // The files, not the directory: newer Node reads `--test DIR` as a module to run.
        files.map(f -> "test/" + f.getFileName()).filter(f -> f.endsWith(".test.js")).sorted().forEach(cmd::add);
      }
      Run node = run(clientDir, Map.of("VIEWSYNC_TEST_URL", service.baseUrl(), "VIEWSYNC_TEST_PG", pgUrl,
          "VIEWSYNC_TEST_REQUIRED", "1"), 10, cmd.toArray(String[]::new));
      String out = node.out();
      System.out.println(out.lines().filter(l -> SUMMARY.matcher(l).matches() || l.strip().startsWith("not ok"))
          .reduce("clients/js tests:\n", (a, b) -> a + b + "\n"));
      Map<String, Integer> summary = new java.util.HashMap<>();
      Matcher m = SUMMARY.matcher(out);
      while (m.find()) {
        summary.put(m.group(1), Integer.parseInt(m.group(2)));
      }
      assertThat(node.exit()).as("node --test output:%n%s%nservice log:%n%s", out, service.log()).isZero();
      assertThat(summary.get("fail")).as(out).isZero();
      assertThat(summary.get("skipped")).as("no test may skip when a server is given:%n%s", out).isZero();
      assertThat(summary.get("pass")).as(out).isGreaterThan(10);
    }
  }
}
