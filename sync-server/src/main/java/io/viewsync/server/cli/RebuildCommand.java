package io.viewsync.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code viewsync rebuild [--wait]}: asks the running service for an online rebuild of its replica
 * ({@code POST /admin/rebuild}); with {@code --wait}, follows it ({@code GET /admin/rebuild}) with a progress bar
 * until it is done or has failed. Exit 0 when it started (or, waiting, is done), 1 when refused or failed, 3 when
 * the service cannot be reached; bad options are usage errors (2).
 *
 * <p>Runs on the main thread; blocks on HTTP requests (and, waiting, on the rebuild).
 */
@Command(name = "rebuild", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Rebuild the replica online: a new replica is copied from a new slot beside the serving one and",
        "swapped in; clients stay connected and get only the difference."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the rebuild started (or one runs already); with --wait: it is done",
        "1:the service refused (admin disabled, wrong token), or with --wait: the rebuild failed", "2:usage error",
        "3:the service cannot be reached"})
final class RebuildCommand extends AdminCommand {
  static final long POLL_MILLIS = 500;

  @Option(names = "--wait", description = "Follow the rebuild with a progress bar until it is done or has failed.")
  boolean waitForIt;

  RebuildCommand(Map<String, String> env) {
    super(env);
  }

  @Override
  public Integer call() throws InterruptedException {
    AdminClient client = client();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdminClient.Reply reply;
    try {
      reply = client.post("/admin/rebuild");
    } catch (AdminClient.UnreachableException e) {
      return unreachable(e);
    }
    if ((reply.status() != 202 && reply.status() != 200) || reply.body() == null || !reply.body().has("state")) {
      err.println("viewsync: rebuild refused (HTTP " + reply.status() + ")"
          + (reply.message() == null ? "" : ": " + reply.message())
          + (reply.status() == 401 ? " (set --admin-token or VIEWSYNC_ADMIN_TOKEN to the service's token)" : ""));
      err.flush();
      return EXIT_REFUSED;
    }
    out.println(reply.status() == 202 ? "rebuild started: a new replica is copied beside the serving one"
        : "a rebuild is already running (" + reply.body().get("state").asText() + "); following it");
    out.flush();
    if (!waitForIt) {
      out.println("progress: viewsync rebuild --wait, or GET /admin/rebuild");
      out.flush();
      return 0;
    }
    boolean terminal = System.console() != null;
    String lastState = "";
    long lastLine = 0;
    JsonNode s = reply.body();
    while (true) {
      String state = s.path("state").asText();
      boolean finished = state.equals("done") || state.equals("failed");
      String line = progressLine(s);
      if (terminal) {
        out.print("\r" + line + "\u001b[K"); // redraw in place, clearing what the longer line before left
      } else if (!state.equals(lastState) || System.nanoTime() - lastLine > 5_000_000_000L || finished) {
        out.println(line);
        lastLine = System.nanoTime();
      }
      out.flush();
      lastState = state;
      if (finished) {
        if (terminal) {
          out.println();
        }
        if (state.equals("failed")) {
          err.println("viewsync: the rebuild failed; the serving replica is untouched: " + s.path("error").asText());
          err.flush();
          return EXIT_REFUSED;
        }
        out.printf(Locale.ROOT, "rebuild done in %.1f s%n", s.path("elapsedSeconds").asDouble());
        out.flush();
        return 0;
      }
      Thread.sleep(POLL_MILLIS);
      try {
        reply = client.get("/admin/rebuild");
      } catch (AdminClient.UnreachableException e) {
        return unreachable(e);
      }
      if (reply.status() != 200 || reply.body() == null) {
        err.println("viewsync: the service stopped answering about the rebuild (HTTP " + reply.status() + ")");
        err.flush();
        return EXIT_REFUSED;
      }
      s = reply.body();
    }
  }

  /** One line of progress: state, a bar of the copy, rows, elapsed and time left. Pure. */
  static String progressLine(JsonNode s) {
    String state = s.path("state").asText();
    return ProgressBar.line(state, s.path("rowsDone").asLong(), s.path("rowsEstimated").asLong(),
        s.path("elapsedSeconds").asDouble(), s.path("etaSeconds").isNumber() ? s.get("etaSeconds").asDouble() : null,
        state.equals("done"));
  }
}
