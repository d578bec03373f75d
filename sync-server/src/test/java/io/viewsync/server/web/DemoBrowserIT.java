package io.viewsync.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo as a newcomer meets it, in a real browser: {@code viewsync demo} from the jar (its own embedded
 * Postgres, seed and writer), the page open in two separate headless Chromium sessions (Debian's {@code chromium}
 * through its {@code chromedriver}; never a downloaded browser). A change upstream shows in both; the migration
 * button degrades the page instead of breaking it; a SIGKILL of the server and a restart, and both pages reconnect
 * and converge on what Postgres holds. Screenshots go to {@code target/e2e-screenshots} (a build artifact).
 *
 * <p>{@code VIEWSYNC_CHROMIUM} and {@code VIEWSYNC_CHROMEDRIVER} name other binaries; without any the test fails
 * and says what to install.
 */
class DemoBrowserIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final List<WebDriver> drivers = new ArrayList<>();

  @AfterEach
  void quitBrowsers() {
    drivers.forEach(WebDriver::quit);
  }

  private static String binary(String env, String fallback) {
    String value = System.getenv(env);
    Path path = Path.of(value == null || value.isBlank() ? fallback : value);
    assertThat(Files.isExecutable(path)).as("%s is missing: install Debian's chromium and chromium-driver"
        + " (apt-get install chromium chromium-driver), or set %s", path, env).isTrue();
    return path.toString();
  }

  private WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(binary("VIEWSYNC_CHROMIUM", "/usr/bin/chromium"));
    // No downloads, no calls home: this machine's network is closed, and the test must not depend on one.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--no-first-run", "--window-size=1280,900");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(binary("VIEWSYNC_CHROMEDRIVER", "/usr/bin/chromedriver")).toFile())
        .usingAnyFreePort().build();
    WebDriver driver = new ChromeDriver(service, options); // each session has its own fresh profile
    drivers.add(driver);
    return driver;
  }

  private static <T> T await(WebDriver driver, String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).withMessage(what).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  // Read in one script each: the page re-renders on every poke, so elements found one call earlier may be gone.

  private static Object script(WebDriver driver, String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  private static String text(WebDriver driver, String testid) {
    return (String) script(driver, "const e = document.querySelector(`[data-testid=${arguments[0]}]`);"
        + " return e ? e.textContent.trim() : null;", testid);
  }

  private static String titleOf(WebDriver driver, long id) {
    return (String) script(driver, "const e = document.querySelector("
        + "`[data-testid=issue-row][data-id='${arguments[0]}'] [data-testid=issue-title]`);"
        + " return e ? e.textContent.trim() : null;", String.valueOf(id));
  }

  private static String priorityOf(WebDriver driver, long id) {
    return (String) script(driver, "const e = document.querySelector("
        + "`[data-testid=issue-row][data-id='${arguments[0]}'] [data-testid=issue-priority]`);"
        + " return e ? e.textContent.trim() : null;", String.valueOf(id));
  }

  private static boolean present(WebDriver driver, String testid) {
    return (Boolean) script(driver, "return document.querySelector(`[data-testid=${arguments[0]}]`) !== null;", testid);
  }

  @SuppressWarnings("unchecked")
  private static List<Long> listedIds(WebDriver driver) {
    List<Object> ids = (List<Object>) script(driver, "return Array.from("
        + "document.querySelectorAll('[data-testid=issue-row]'), e => e.dataset.id);");
    return ids.stream().map(id -> Long.parseLong(String.valueOf(id))).toList();
  }

  private static void screenshot(WebDriver driver, String name) throws Exception {
    Path dir = Path.of(System.getProperty("viewsync.screenshots", "target/e2e-screenshots"));
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  /** A new open issue of the test's own (the writer deletes closed issues it picks, so none of the seed's). */
  private static long newIssue(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO issue (title, status, creator_id)"
        + " VALUES ('E2E issue', 'open', 1) RETURNING id");
         ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Sets an issue's title upstream, with a modified time ahead of the writer's so it leads the default list. */
  private static String retitle(Connection c, long id, String label) throws SQLException {
    String title = label + " " + UUID.randomUUID().toString().substring(0, 8);
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE issue SET title = ?, modified = now() + interval '1 day' WHERE id = ?")) {
      ps.setString(1, title);
      ps.setLong(2, id);
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    return title;
  }

  /** The default list as Postgres answers it: the 50 most recently modified issues. */
  private static List<Long> upstreamList(Connection c) {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM issue ORDER BY modified DESC, id LIMIT 50");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
    return ids;
  }

  private static long commentCount(Connection c, long issue) {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM comment WHERE issue_id = ?"
        + " LIMIT 20) x")) {
      ps.setLong(1, issue);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static long detailCommentCount(WebDriver driver) {
    return ((Number) script(driver, "return document.querySelectorAll("
        + "'[data-testid=issue-detail] [data-testid=comment]').length;")).longValue();
  }

  /** Waits until what the page shows equals what Postgres answers at the same moment. */
  private static <T> void awaitEqual(WebDriver driver, String what, java.util.function.Supplier<T> upstream,
      Function<WebDriver, T> page) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    T expected = null;
    T shown = null;
    while (System.nanoTime() < deadline) {
      expected = upstream.get();
      shown = page.apply(driver);
      if (expected.equals(shown)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(what + ": the page never showed what Postgres has; last page " + shown + ", upstream "
        + expected);
  }

  /** Waits until the page lists exactly what Postgres answers at the same moment (the writer keeps changing it). */
  private static void awaitConverged(WebDriver driver, Connection c, String what) throws Exception {
    awaitEqual(driver, what + ": the page's list", () -> upstreamList(c), DemoBrowserIT::listedIds);
  }


  /** The demo's embedded Postgres, from the URL {@code /demo/info} gives ({@code postgresql://user@host:port/db}). */
  private static Connection upstream(JsonNode info) throws SQLException {
    java.net.URI u = java.net.URI.create(info.get("postgres").asText());
    return DriverManager.getConnection("jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath(),
        u.getUserInfo(), null);
  }

  private static void awaitLive(WebDriver driver, String what) {
    await(driver, what + ": page ready", d -> "true".equals(
        script(d, "return document.documentElement.dataset.viewsyncReady")));
    await(driver, what + ": connected", d -> "connected".equals(text(d, "conn-state")));
  }

  @Test
  void twoBrowsersFollowUpstreamThroughAMigrationAndAServerRestart(@TempDir Path tmp) throws Exception {
    // Traversable by the unprivileged account the embedded Postgres runs as when the tests run as root.
    Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = ServiceProcess.freePort();
    Path artifacts = Files.createDirectories(Path.of(System.getProperty("viewsync.screenshots", "target/e2e-screenshots")));
    Files.deleteIfExists(artifacts.resolve("demo.log"));
    try (ServiceProcess demo = new ServiceProcess(artifacts.resolve("demo.log"), port, "demo", "--fresh",
        "--replica-dir", tmp.resolve("demo").toString(), "--writes-per-second", "1").start()) {
      try {
        run(demo, tmp);
      } catch (Throwable failure) {
        // What each page showed, for the report: its screen and its own account of the sync state.
        for (int i = 0; i < drivers.size(); i++) {
          try {
            screenshot(drivers.get(i), "failed-browser-" + (i + 1));
            failure.addSuppressed(new AssertionError("browser " + (i + 1) + " shows:\n" + script(drivers.get(i),
                "return ['conn-state','cookie','schema-version','pokes','compat-status'].map(t => t + ': ' +"
                    + " (document.querySelector(`[data-testid=${t}]`)||{}).textContent).join('\\n') + '\\n'"
                    + " + (document.getElementById('activity')||{}).innerText;")));
          } catch (RuntimeException e) {
            failure.addSuppressed(e);
          }
        }
        throw failure;
      }
    }
  }

  /** Polls a JSON endpoint until {@code done} holds; the last answer, or null after {@link #WAIT}. */
  private static JsonNode awaitJson(ServiceProcess service, String path,
      java.util.function.Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      java.net.http.HttpResponse<String> r = service.get(path);
      if (r != null && r.statusCode() == 200) {
        JsonNode j = JSON.readTree(r.body());
        if (done.test(j)) {
          return j;
        }
      }
      Thread.sleep(200);
    }
    return null;
  }

  /** The scenario; the caller reports what the pages showed when it fails. */
  private void run(ServiceProcess demo, Path tmp) throws Exception {
    List<String> cookies = new ArrayList<>();
    List<Long> resets = new ArrayList<>();
    JsonNode info = JSON.readTree(demo.get("/demo/info").body());
    try (Connection c = upstream(info)) {
      WebDriver a = browser();
      WebDriver b = browser();
      for (WebDriver d : List.of(a, b)) {
        d.get(demo.baseUrl() + "/");
        awaitLive(d, "first load");
        assertThat(text(d, "compat-status")).isEqualTo("full");
      }
      assertThat(text(a, "cookie")).isNotBlank();
      screenshot(a, "1-live");

      // A change upstream reaches both browsers.
      long first = newIssue(c);
      String title = retitle(c, first, "E2E: both pages show this");
      for (WebDriver d : List.of(a, b)) {
        await(d, "the new title of the test's issue", x -> title.equals(titleOf(x, first)));
        awaitConverged(d, c, "after the change");
      }
      screenshot(b, "2-change-in-second-browser");

      // An issue's detail: its comments, newest first, 20 at most, as Postgres has them.
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO comment (issue_id, author_id, body)"
          + " SELECT ?, 1 + g % 50, 'E2E comment ' || g FROM generate_series(1, 3) g")) {
        ps.setLong(1, first);
        assertThat(ps.executeUpdate()).isEqualTo(3);
      }
      script(a, "document.querySelector(`[data-testid=issue-row][data-id='${arguments[0]}']`).click();",
          String.valueOf(first));
      await(a, "the detail of the test's issue", x -> (Boolean) script(x,
          "return document.querySelector(`[data-testid=issue-detail][data-id='${arguments[0]}']`) !== null;",
          String.valueOf(first)));
      awaitEqual(a, "the comments of the test's issue", () -> commentCount(c, first), x -> detailCommentCount(x));
      screenshot(a, "2-issue-detail");

      // The migration button: the page stays up and says what it cannot show.
      a.findElement(By.cssSelector("[data-testid=migrate]")).click();
      for (WebDriver d : List.of(a, b)) {
        await(d, "degraded after the migration", x -> "degraded".equals(text(x, "compat-status")));
        await(d, "the urgent panel is unavailable", x -> present(x, "urgent-unavailable"));
        assertThat(text(d, "conn-state")).isEqualTo("connected");
      }
      await(a, "the migration's result", x -> text(x, "migration-result") != null
          && text(x, "migration-result").contains("severity"));
      long second = newIssue(c);
      String degradedTitle = retitle(c, second, "E2E: still live while degraded");
      for (WebDriver d : List.of(a, b)) {
        await(d, "a change shows while degraded", x -> degradedTitle.equals(titleOf(x, second)));
        assertThat(priorityOf(d, second)).as("priority is not on the server any more").isEqualTo("—");
        awaitConverged(d, c, "while degraded");
      }
      screenshot(a, "3-degraded-after-migration");

      // The server is killed; the pages notice, and converge again once it is back.
      for (WebDriver d : List.of(a, b)) {
        cookies.add((String) script(d, "return window.viewsyncClient.cookie;"));
        resets.add(((Number) script(d, "return window.viewsyncClient.stats.resets;")).longValue());
      }
      demo.kill();
      for (WebDriver d : List.of(a, b)) {
        await(d, "the page notices the server is gone", x -> !"connected".equals(text(x, "conn-state")));
      }
      screenshot(a, "4-server-killed");
    }
    demo.startWithout("--fresh"); // the same Postgres, replica and client view records
    info = JSON.readTree(demo.get("/demo/info").body());
    try (Connection c = upstream(info)) {
      WebDriver a = drivers.get(0);
      WebDriver b = drivers.get(1);
      long third = newIssue(c);
      String afterRestart = retitle(c, third, "E2E: after the restart");
      for (int i = 0; i < 2; i++) {
        WebDriver d = drivers.get(i);
        await(d, "reconnected", x -> "connected".equals(text(x, "conn-state")));
        assertThat(text(d, "compat-status")).as("the restarted server still has the migrated schema")
            .isEqualTo("degraded");
        await(d, "a change after the restart", x -> afterRestart.equals(titleOf(x, third)));
        awaitConverged(d, c, "after the restart");
        // Read after pokes of the restarted server arrived: the client moves its cookie and counts resets per poke.
        String replicaId = cookies.get(i).substring(0, cookies.get(i).indexOf(':'));
        assertThat((String) script(d, "return window.viewsyncClient.cookie;")).as("the same replica, further on")
            .startsWith(replicaId + ":").isNotEqualTo(cookies.get(i));
        assertThat(((Number) script(d, "return window.viewsyncClient.stats.resets;")).longValue())
            .as("resumed with its cookie: no reset poke").isEqualTo(resets.get(i));
      }
      // Renaming the column back makes the page whole again.
      assertThat(info.at("/migrations/next/sql").asText()).contains("RENAME COLUMN severity TO priority");
      b.findElement(By.cssSelector("[data-testid=migrate]")).click();
      assertThat(awaitJson(demo, "/demo/info", j -> j.at("/migrations/applied").asInt() == 1
          && !j.at("/migrations/running").asBoolean() && j.at("/migrations/last/sql").asText().contains("TO priority")))
          .as("the button ran the migration back").isNotNull();
      for (WebDriver d : List.of(a, b)) {
        await(d, "full again", x -> "full".equals(text(x, "compat-status")));
        await(d, "urgent issues listed again", x -> present(x, "urgent-row"));
        awaitConverged(d, c, "after the column came back");
      }
      screenshot(a, "5-reconnected-and-whole-again");
    }
    assertThat(demo.stop()).as("a clean stop on SIGTERM (143 is the JVM's exit code for it); log:%n%s",
        demo.log()).isIn(0, 143);
    assertThat(demo.log()).contains("stopped PostgreSQL");
    assertThat(tmp.resolve("demo/postgres/postmaster.pid")).as("the embedded Postgres stopped with it").doesNotExist();
  }
}
