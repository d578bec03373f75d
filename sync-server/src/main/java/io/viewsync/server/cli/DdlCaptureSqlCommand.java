package io.viewsync.server.cli;

import io.viewsync.core.source.pg.DdlCapture;
import io.viewsync.server.config.ServeOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code viewsync ddl-capture-sql}: prints the SQL a DBA runs as superuser so that a viewsync whose role is not a
 * superuser still sees schema changes in the WAL (event-trigger mode instead of fallback). Touches nothing itself.
 */
@Command(name = "ddl-capture-sql", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Print the SQL that installs viewsync's DDL event triggers (run it as a superuser in the upstream",
        "database when viewsync's own role cannot: status then shows ddlMode event-triggers). Safe to run again."})
final class DdlCaptureSqlCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--publication", paramLabel = "NAME", descriptionKey = ServeOptions.ENV_PUBLICATION,
      defaultValue = "viewsync", description = {"The publication viewsync uses.",
          "Env " + ServeOptions.ENV_PUBLICATION + ". Default: viewsync."})
  String publication;

  @Option(names = "--unmanaged", description = {"The publication is maintained by hand: the triggers must not add",
      "new tables to it or drop tables that lose their key."})
  boolean unmanaged;

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(DdlCapture.installScript(publication.strip(), !unmanaged));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
