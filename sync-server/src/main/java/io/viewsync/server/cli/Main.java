package io.viewsync.server.cli;

import io.viewsync.server.Service;
import io.viewsync.server.ServiceLauncher;
import io.viewsync.server.config.EnvDefaults;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of the {@code viewsync} executable. Exit codes: 0 ok, 1 runtime failure (or a request the service
 * refused), 2 usage or configuration error, 3 the service cannot be reached (commands that talk to it).
 *
 * <p>{@link #run} takes the environment and the service launcher as arguments so tests can drive the whole CLI
 * without touching the process environment or starting anything.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), new Service(), new PrintWriter(System.out, true),
        new PrintWriter(System.err, true)));
  }

  /** Parses {@code args}, reading unset options from {@code env}, runs the command and returns its exit code. */
  public static int run(String[] args, Map<String, String> env, ServiceLauncher launcher, PrintWriter out,
                        PrintWriter err) {
    return commandLine(env, launcher).setOut(out).setErr(err).execute(args);
  }

  static CommandLine commandLine(Map<String, String> env, ServiceLauncher launcher) {
    FailureHandler failures = new FailureHandler(env);
    CommandLine cmd = new CommandLine(new ViewsyncCommand())
        .addSubcommand(new ServeCommand(launcher))
        .addSubcommand(new DemoCommand(launcher))
        .addSubcommand(new StatusCommand(env))
        .addSubcommand(new RebuildCommand(env))
        .addSubcommand(new ResyncCommand(env))
        .addSubcommand(new DdlCaptureSqlCommand());
    // After the subcommands are added: these settings are copied down the command tree at this moment.
    return cmd
        .setDefaultValueProvider(new EnvDefaults(env))
        .setParameterExceptionHandler(failures)
        .setExecutionExceptionHandler(failures);
  }
}
