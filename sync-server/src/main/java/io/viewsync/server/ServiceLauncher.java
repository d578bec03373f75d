package io.viewsync.server;

import io.viewsync.server.config.ServeConfig;

/**
 * Runs the viewsync service with a validated configuration until it is told to stop; what {@code viewsync serve}
 * calls once the options are parsed. Injected into the CLI so that tests can capture the config instead of starting
 * a service.
 *
 * <p>Called once, on the main thread, which it may block for the lifetime of the service.
 */
@FunctionalInterface
public interface ServiceLauncher {

  /**
   * Runs the service and returns the process exit code (0 after a clean shutdown).
   *
   * @throws Exception a failure that stops the service; the CLI prints its message on one line and exits with 1
   */
  int run(ServeConfig config) throws Exception;

  /**
   * Runs the service with {@code extension} beside it ({@code viewsync demo}). A launcher that only records the
   * configuration (tests) may ignore the extension, which is what this default does.
   */
  default int run(ServeConfig config, ServiceExtension extension) throws Exception {
    return run(config);
  }
}
