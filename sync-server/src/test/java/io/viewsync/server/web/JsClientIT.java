package io.viewsync.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.core.testing.PostgresExtension;
import io.viewsync.core.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

  @Test
  void theHandWrittenTypesCompileAgainstTheWayTheReadmeUsesTheClient() throws Exception {
    Path clientDir = Path.of(System.getProperty("viewsync.repo"), "clients", "js").toAbsolutePath().normalize();
    // TypeScript comes from the npm registry (pinned in package.json); test/types/usage.ts holds an @ts-expect-error.
    Process npm = new ProcessBuilder("npm", "run", "--silent", "typecheck").directory(clientDir.toFile())
        .redirectErrorStream(true).start();
    String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(npm.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(npm.exitValue()).as("npm run typecheck:%n%s", out).isZero();
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
      ProcessBuilder pb = new ProcessBuilder("node", "--experimental-websocket", "--test", "--test-reporter=tap",
          "--test-concurrency=1", "test/")
          .directory(clientDir.toFile()).redirectErrorStream(true);
      pb.environment().put("VIEWSYNC_TEST_URL", service.baseUrl());
      pb.environment().put("VIEWSYNC_TEST_PG", pgUrl);
      pb.environment().put("VIEWSYNC_TEST_REQUIRED", "1");
      Process node;
      try {
        node = pb.start();
      } catch (java.io.IOException e) {
        throw new AssertionError("cannot run node (Node.js 20 or newer is needed for clients/js's tests): " + e, e);
      }
      String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(10, TimeUnit.MINUTES)).isTrue();
      Files.writeString(tmp.resolve("node.log"), out);
      System.out.println(out.lines().filter(l -> SUMMARY.matcher(l).matches() || l.strip().startsWith("not ok"))
          .reduce("clients/js tests:\n", (a, b) -> a + b + "\n"));
      java.util.Map<String, Integer> summary = new java.util.HashMap<>();
      Matcher m = SUMMARY.matcher(out);
      while (m.find()) {
        summary.put(m.group(1), Integer.parseInt(m.group(2)));
      }
      assertThat(node.exitValue()).as("node --test output:%n%s%nservice log:%n%s", out, service.log()).isZero();
      assertThat(summary.get("fail")).as(out).isZero();
      assertThat(summary.get("skipped")).as("no test may skip when a server is given:%n%s", out).isZero();
      assertThat(summary.get("pass")).as(out).isGreaterThan(10);
    }
  }
}
