package io.viewsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.viewsync.server.http.EmbeddedStatus;
import io.viewsync.server.http.HttpServer;
import io.viewsync.server.http.HttpServerInitializer;
import io.viewsync.server.http.Rebuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code viewsync rebuild} against a real HTTP server whose rebuilder plays a scripted rebuild. */
class RebuildCommandTest {
  private static final String TOKEN = "rebuild-token";
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private HttpServer server;

  /** Answers each status request with the next scripted state (the last one repeats). */
  private static final class Scripted implements Rebuilder {
    final Deque<Map<String, Object>> script = new ArrayDeque<>();
    boolean running;
    int starts;

    Scripted then(String state, long done, long estimate, String error) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("state", state);
      s.put("rowsDone", done);
      s.put("rowsEstimated", estimate);
      s.put("elapsedSeconds", 1.5);
      s.put("etaSeconds", state.equals("copying") ? 3.0 : null);
      s.put("error", error);
      script.add(s);
      return this;
    }

    @Override
    public synchronized Answer rebuild() {
      boolean started = !running;
      running = true;
      starts++;
      return new Answer(started, script.peek());
    }

    @Override
    public synchronized Object status() {
      return script.size() > 1 ? script.poll() : script.peek();
    }
  }

  private String start(Rebuilder rebuilder) throws Exception {
    server = new HttpServer("127.0.0.1", 0, new HttpServerInitializer(EmbeddedStatus.READY, t -> null,
        Optional.of(TOKEN), null, null, rebuilder));
    server.start();
    return "http://127.0.0.1:" + server.port();
  }

  private int run(String... args) {
    return Main.run(args, Map.of("VIEWSYNC_ADMIN_TOKEN", TOKEN), config -> {
      throw new AssertionError("rebuild must not start a service");
    }, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRebuildStartsAndReturnsAtOnce() throws Exception {
    Scripted r = new Scripted().then("copying", 0, 1000, null);
    assertThat(run("rebuild", "--url", start(r))).isZero();
    assertThat(out.toString()).startsWith("rebuild started").contains("viewsync rebuild --wait");
    assertThat(r.starts).isEqualTo(1);
  }

  @Test
  void waitingFollowsTheRebuildToItsEndWithAProgressBar() throws Exception {
    Scripted r = new Scripted().then("copying", 0, 1000, null).then("copying", 500, 1000, null)
        .then("catching-up", 1000, 1000, null).then("swapping", 1000, 1000, null).then("done", 1000, 1000, null);
    assertThat(run("rebuild", "--wait", "--url", start(r))).as(err.toString()).isZero();
    // Not a terminal: a line per state (and every 5 s), not a redrawn bar.
    assertThat(out.toString().lines()).containsExactly(
        "rebuild started: a new replica is copied beside the serving one",
        "copying      [------------------------------]   0%  0 / 1,000 rows  1.5 s  ETA 3 s",
        "catching-up  [##############################] 100%  1,000 / 1,000 rows  1.5 s",
        "swapping     [##############################] 100%  1,000 / 1,000 rows  1.5 s",
        "done         [##############################] 100%  1,000 / 1,000 rows  1.5 s",
        "rebuild done in 1.5 s");
  }

  @Test
  void aFailedRebuildExitsOneWithItsReason() throws Exception {
    Scripted r = new Scripted().then("copying", 0, 10, null).then("failed", 0, 10, "no free replication slot");
    assertThat(run("rebuild", "--wait", "--url", start(r))).isEqualTo(1);
    assertThat(err.toString()).contains("the serving replica is untouched").contains("no free replication slot");
  }

  @Test
  void aSecondRequestFollowsTheRunningOne() throws Exception {
    Scripted r = new Scripted().then("copying", 10, 100, null);
    String url = start(r);
    run("rebuild", "--url", url);
    out.getBuffer().setLength(0);
    assertThat(run("rebuild", "--url", url)).isZero();
    assertThat(out.toString()).startsWith("a rebuild is already running (copying)");
  }

  @Test
  void aServiceWithoutAdminRefuses() throws Exception {
    server = new HttpServer("127.0.0.1", 0, new HttpServerInitializer(EmbeddedStatus.READY, t -> null,
        Optional.empty(), null, null, new Scripted().then("copying", 0, 0, null)));
    server.start();
    assertThat(run("rebuild", "--url", "http://127.0.0.1:" + server.port())).isEqualTo(1);
    assertThat(err.toString()).contains("HTTP 403").contains("admin endpoints are disabled");
  }

  @Test
  void theProgressLineIsPure() throws Exception {
    ObjectMapper json = new ObjectMapper();
    assertThat(RebuildCommand.progressLine(json.readTree("""
        {"state": "copying", "rowsDone": 250, "rowsEstimated": 1000, "elapsedSeconds": 2.0, "etaSeconds": 6.0}""")))
        .isEqualTo("copying      [########----------------------]  25%  250 / 1,000 rows  2.0 s  ETA 6 s");
    assertThat(RebuildCommand.progressLine(json.readTree("""
        {"state": "done", "rowsDone": 990, "rowsEstimated": 1000, "elapsedSeconds": 4.0, "etaSeconds": null}""")))
        .startsWith("done         [##############################] 100%");
    assertThat(ProgressBar.line("copying", 500, -1, 1.0, null, false)).as("no estimate: no bar that would lie")
        .isEqualTo("copying      [" + "?".repeat(30) + "]  500 rows (no estimate)  1.0 s");
  }
}
