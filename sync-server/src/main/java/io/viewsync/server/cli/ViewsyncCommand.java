package io.viewsync.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top command, {@code viewsync}: only global options; the work is in subcommands. Having no {@code call()}, it
 * makes picocli report a missing subcommand as a usage error (exit code 2).
 */
@Command(name = "viewsync", mixinStandardHelpOptions = true, versionProvider = ViewsyncCommand.Version.class,
    description = "Keeps browser clients in sync with a PostgreSQL database.",
    footer = {"", "Every option can also be set by the environment variable named in its description.",
        "Exit codes: 0 ok, 1 runtime failure or refused request,",
        "2 usage or configuration error, 3 the service cannot be reached."})
final class ViewsyncCommand {

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Print stack traces of failures (also: env VIEWSYNC_DEBUG=1).")
  boolean verbose;

  /** The version from the jar manifest, set by the build. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
          "viewsync " + io.viewsync.server.ServerInfo.version(),
          "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
