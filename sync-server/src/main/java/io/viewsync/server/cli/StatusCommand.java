package io.viewsync.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code viewsync status}: asks the running service for {@code GET /admin/status} and prints it as a readable
 * summary and a table of tables, or the JSON as it came ({@code --json}, for scripts). Exit 0 when the service
 * answered, 1 when it refused (token), 3 when it cannot be reached; bad options are usage errors (2).
 *
 * <p>Runs on the main thread; blocks on one HTTP request.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Show the running service's state: replication, lag, slot, schema, clients and every table.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the service answered", "1:the service refused (admin disabled, wrong token)", "2:usage error",
        "3:the service cannot be reached"})
final class StatusCommand extends AdminCommand {

  @Option(names = "--json", description = "Print the status as JSON, as /admin/status answers it.")
  boolean json;

  /** @param env the environment, for the port of the default URL */
  StatusCommand(Map<String, String> env) {
    super(env);
  }

  @Override
  public Integer call() throws Exception {
    AdminClient client = client();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdminClient.Reply reply;
    try {
      reply = client.get("/admin/status");
    } catch (AdminClient.UnreachableException e) {
      return unreachable(e);
    }
    if (reply.status() != 200 || reply.body() == null || !reply.body().isObject()) {
      err.println("viewsync: status refused (HTTP " + reply.status() + ")"
          + (reply.message() == null ? "" : ": " + reply.message())
          + (reply.status() == 401 ? " (set --admin-token or VIEWSYNC_ADMIN_TOKEN to the service's token)" : ""));
      err.flush();
      return EXIT_REFUSED;
    }
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(reply.body()));
    } else {
      out.print(render(reply.body()));
    }
    out.flush();
    return 0;
  }

  /** The status as text: a few lines of summary, then one row per table. Pure. */
  static String render(JsonNode s) {
    StringBuilder b = new StringBuilder();
    line(b, "phase", text(s, "phase") + (s.path("lastError").isTextual() ? "  (last error: "
        + s.get("lastError").asText() + ")" : ""));
    line(b, "watermark", text(s, "watermark") + "  confirmed " + text(s, "confirmedLsn"));
    line(b, "lag", bytes(s.path("lagBytes").asLong(-1)) + ", " + seconds(s.path("lagSeconds").asDouble(-1)));
    line(b, "slot", text(s, "slot") + "  wal_status " + text(s, "slotWalStatus") + ", retains "
        + bytes(s.path("slotRetainedBytes").asLong(-1)));
    line(b, "publication", text(s, "publication") + "  ddl " + text(s, "ddlMode"));
    String fp = text(s, "schemaFingerprint");
    line(b, "schema", "version " + text(s, "schemaVersion") + "  fingerprint "
        + (fp.length() > 12 ? fp.substring(0, 12) + "…" : fp));
    JsonNode sync = s.path("sync");
    if (sync.isObject()) {
      line(b, "clients", sync.path("clients").asInt() + " connected (" + sync.path("degradedClients").asInt()
          + " degraded) in " + sync.path("groups").asInt() + " groups; " + sync.path("queries").asInt()
          + " queries on " + sync.path("pipelines").asInt() + " pipelines");
    }
    b.append('\n');
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TABLE", "STATE", "ROWS", "PROGRESS", "REASON"});
    for (JsonNode t : s.path("tables")) {
      long rowsDone = t.path("rows").asLong(-1);
      long estimate = t.path("estimate").asLong(-1);
      rows.add(new String[] {text(t, "name"), text(t, "state"), rowsDone < 0 ? "-" : String.format(Locale.ROOT, "%,d", rowsDone),
          estimate > 0 ? String.format(Locale.ROOT, "%.0f%% of ~%,d", 100.0 * Math.min(rowsDone, estimate)
              / estimate, estimate) : "", t.path("reason").isTextual() ? t.get("reason").asText() : ""});
    }
    int[] widths = new int[4];
    for (String[] r : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder row = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        row.append(String.format("%-" + widths[i] + "s  ", r[i]));
      }
      b.append((row + r[4]).stripTrailing()).append('\n');
    }
    if (rows.size() == 1) {
      b.append("(no tables)\n");
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(String.format("%-12s %s%n", label, value));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? "-" : v.asText();
  }

  static String bytes(long n) {
    if (n < 0) {
      return "unknown";
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  private static String seconds(double s) {
    return s < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f s", s);
  }
}
