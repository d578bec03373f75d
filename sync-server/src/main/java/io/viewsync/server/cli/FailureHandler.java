package io.viewsync.server.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How the CLI reports errors: one line on stderr, {@code viewsync: <message>}, and an exit code. Usage and
 * configuration errors (exit 2) add a pointer to {@code --help} rather than the whole usage text; runtime failures
 * (exit 1) print a stack trace only with {@code --verbose} or {@code VIEWSYNC_DEBUG} set to anything but
 * {@code 0}/{@code false}.
 *
 * <p>Immutable; used on the main thread.
 */
final class FailureHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  static final String DEBUG_ENV = "VIEWSYNC_DEBUG";

  private final boolean debugEnv;

  FailureHandler(Map<String, String> env) {
    String debug = env.get(DEBUG_ENV);
    this.debugEnv = debug != null && !debug.isEmpty() && !debug.equals("0") && !debug.equalsIgnoreCase("false");
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("viewsync: " + oneLine(ex));
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    err.println("viewsync: " + oneLine(ex));
    if (debugEnv || verbose(parseResult)) {
      ex.printStackTrace(err);
    } else {
      err.println("(run with --verbose or " + DEBUG_ENV + "=1 for details)");
    }
    err.flush();
    return cmd.getCommandSpec().exitCodeOnExecutionException();
  }

  private static boolean verbose(ParseResult result) {
    for (ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  /** The exception's message on one line; the class name where there is no message. */
  static String oneLine(Throwable t) {
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      message = t.getCause() != null && t.getCause().getMessage() != null
          ? t.getClass().getSimpleName() + ": " + t.getCause().getMessage()
          : t.getClass().getSimpleName();
    }
    return message.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
