package io.viewsync.server.cli;

import io.viewsync.server.config.AdminClientOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What the CLI's commands that talk to a running service share: the {@code --url} and {@code --admin-token}
 * options, the client built from them (bad options are usage errors, exit 2), and the exit codes of a refusal (1)
 * and of a service that cannot be reached (3).
 *
 * <p>Runs on the main thread.
 */
abstract class AdminCommand implements Callable<Integer> {
  static final int EXIT_REFUSED = 1;
  static final int EXIT_UNREACHABLE = 3;

  @Mixin
  AdminClientOptions options;

  @Spec
  CommandSpec spec;

  private final Map<String, String> env;

  /** @param env the environment, for the port of the default URL */
  AdminCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The client of the service the options name; a usage error when they are wrong. */
  AdminClient client() {
    try {
      return new AdminClient(options.toConfig(env));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Says on stderr that the service cannot be reached; returns the exit code for it. */
  int unreachable(AdminClient.UnreachableException e) {
    spec.commandLine().getErr().println("viewsync: " + e.getMessage());
    spec.commandLine().getErr().flush();
    return EXIT_UNREACHABLE;
  }
}
