package io.viewsync.server.cli;

import io.viewsync.server.config.PercentEncoding;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code viewsync resync TABLE}: asks the running service to copy one table again
 * ({@code POST /admin/tables/{name}/resync}) and prints the answer on one line: on stdout when the resync was
 * accepted or is already running (exit 0), on stderr with the service's reason when it was refused (exit 1) or the
 * service could not be reached (exit 3). Bad options are usage errors (exit 2), see {@link FailureHandler}.
 *
 * <p>Runs on the main thread; blocks on one HTTP request.
 */
@Command(name = "resync", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Copy one table of the replica again from a fresh snapshot while the other tables keep streaming.",
        "Asks the running service and returns once it has accepted; progress shows in /admin/status."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:the resync was accepted, or one is already running for this table",
        "1:the service refused: unknown table, table cannot be synced, not streaming, wrong token",
        "2:usage error",
        "3:the service cannot be reached"})
final class ResyncCommand extends AdminCommand {

  @Parameters(index = "0", paramLabel = "TABLE", description = {"The table as /admin/status names it:",
      "schema.name, or just name for a table in public."})
  String table;

  /** @param env the environment, for the port of the default URL */
  ResyncCommand(Map<String, String> env) {
    super(env);
  }

  @Override
  public Integer call() throws InterruptedException {
    if (table.isBlank()) {
      throw usage("TABLE must not be empty");
    }
    AdminClient client = client();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdminClient.Reply reply;
    try {
      reply = client.post("/admin/tables/" + PercentEncoding.encode(table) + "/resync");
    } catch (AdminClient.UnreachableException e) {
      return unreachable(e);
    }

    if (reply.status() == 202 && "accepted".equals(reply.result())) {
      out.println("resync of " + table + " accepted: it is copied again from a fresh snapshot while the other tables"
          + " keep streaming; progress in /admin/status");
      out.flush();
      return 0;
    }
    if (reply.status() == 200 && "already-running".equals(reply.result())) {
      out.println("a resync of " + table + " is already running; nothing new started");
      out.flush();
      return 0;
    }
    err.println("viewsync: resync of " + table + " refused: " + refusal(reply, client));
    err.flush();
    return EXIT_REFUSED;
  }

  /** Why the service did not accept, in a sentence: its own message where it sent one. */
  private static String refusal(AdminClient.Reply reply, AdminClient client) {
    if (reply.status() == 401) {
      return (reply.message() == null ? "the admin token is missing or wrong" : reply.message())
          + " (set --admin-token or VIEWSYNC_ADMIN_TOKEN to the service's token)";
    }
    if (reply.result() != null && reply.message() != null) {
      return reply.message();
    }
    if (reply.status() == 404) {
      return "no resync endpoint at " + client.url() + " (an older viewsync, or --url is not the service's base URL)";
    }
    return "unexpected answer HTTP " + reply.status() + " from " + reply.uri()
        + (reply.message() == null ? "" : ": " + reply.message());
  }
}
