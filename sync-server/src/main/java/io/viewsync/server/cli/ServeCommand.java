package io.viewsync.server.cli;

import io.viewsync.server.ServiceLauncher;
import io.viewsync.server.config.ServeConfig;
import io.viewsync.server.config.ServeOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code viewsync serve}: validates the configuration, then hands it to the {@link ServiceLauncher}. A bad value is
 * a usage error (exit 2) with a message naming the flag and its environment variable; a failure of the running
 * service is a runtime error (exit 1), see {@link FailureHandler}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Replicate the upstream Postgres into a local replica and serve clients over HTTP/WebSocket.",
        "Without --upstream, an embedded Postgres is started so the service runs out of the box."})
final class ServeCommand implements Callable<Integer> {

  @Mixin
  ServeOptions options;

  @Spec
  CommandSpec spec;

  private final ServiceLauncher launcher;

  ServeCommand(ServiceLauncher launcher) {
    this.launcher = launcher;
  }

  @Override
  public Integer call() throws Exception {
    ServeConfig config;
    try {
      config = options.toConfig();
      config.checkReplicaDirWritable();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return launcher.run(config);
  }
}
