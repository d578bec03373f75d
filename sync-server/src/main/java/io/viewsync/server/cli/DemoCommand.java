package io.viewsync.server.cli;

import io.viewsync.server.ServiceLauncher;
import io.viewsync.server.config.ServeConfig;
import io.viewsync.server.config.ListenOptions;
import io.viewsync.server.demo.Demo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code viewsync demo}: a live system in one command. An embedded Postgres (always; the demo never writes to a
 * database you name) with an issue tracker's schema and seed data, a writer that changes it, the service, and a
 * demo page at {@code http://127.0.0.1:4848/}; see {@link Demo}. The data directory is kept between runs unless
 * {@code --fresh}. Exit codes as {@code serve}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a live demo: an embedded Postgres with an issue tracker (thousands of rows), a writer changing",
        "it, the service, and a page at http://127.0.0.1:4848/ that stays in sync. Ctrl-C stops everything."})
final class DemoCommand implements Callable<Integer> {

  @Mixin
  ListenOptions listen;

  @Option(names = "--replica-dir", paramLabel = "DIR", defaultValue = "./viewsync-demo",
      description = {"Directory of the demo's Postgres and replica; kept between runs.", "Default: ./viewsync-demo."})
  Path replicaDir;

  @Option(names = "--fresh", description = "Start over: empty the demo's directory (its Postgres and replica) first.")
  boolean fresh;

  @Option(names = "--writes-per-second", paramLabel = "N", defaultValue = "2",
      description = {"Changes the background writer makes upstream per second (0.01 to 1000); 0 turns it off.",
          "Default: 2."})
  double writesPerSecond;

  @Spec
  CommandSpec spec;

  private final ServiceLauncher launcher;

  DemoCommand(ServiceLauncher launcher) {
    this.launcher = launcher;
  }

  @Override
  public Integer call() throws Exception {
    ServeConfig config;
    try {
      if (!(writesPerSecond == 0 || (writesPerSecond >= 0.01 && writesPerSecond <= 1000))) {
        throw new IllegalArgumentException("--writes-per-second must be 0 (off) or between 0.01 and 1000, got "
            + writesPerSecond);
      }
      ServeConfig defaults = ServeConfig.defaults();
      config = new ServeConfig(Optional.empty(), replicaDir, listen.port(), listen.bind(), defaults.publication(),
          defaults.slot(), List.of(), defaults.copyWorkers(), defaults.heartbeatInterval(), defaults.readyLagBytes(),
          listen.adminToken());
      config.checkReplicaDirWritable();
      Demo.prepareDirectory(replicaDir, fresh);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (IOException e) { // not a usage error: the file system refused (exit 1)
      throw new UncheckedIOException("cannot prepare the demo's directory " + replicaDir + ": " + e, e);
    }
    return launcher.run(config, new Demo(writesPerSecond));
  }
}
