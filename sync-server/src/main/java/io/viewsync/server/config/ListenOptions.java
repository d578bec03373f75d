package io.viewsync.server.config;

import static io.viewsync.server.config.ServeOptions.ENV_ADMIN_TOKEN;
import static io.viewsync.server.config.ServeOptions.ENV_BIND;
import static io.viewsync.server.config.ServeOptions.ENV_PORT;

import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Where the service listens and who may use its admin routes: {@code --port}, {@code --bind}, {@code --admin-token},
 * with their environment variables and defaults in one place for {@code viewsync serve} ({@link ServeOptions}) and
 * {@code viewsync demo}. Values arrive as text; the accessors validate them with messages that name the flag and its
 * variable. A picocli mixin; not thread-safe, filled on one thread.
 */
@Command(name = "listen-options")
public final class ListenOptions {

  @Option(names = "--port", paramLabel = "PORT", descriptionKey = ENV_PORT, defaultValue = "4848",
      description = {"HTTP and WebSocket port; 0 picks a free port.", "Env " + ENV_PORT + ". Default: 4848."})
  String port;

  @Option(names = "--bind", paramLabel = "ADDRESS", descriptionKey = ENV_BIND, defaultValue = "127.0.0.1",
      description = {"Address to listen on; 0.0.0.0 for all interfaces.",
          "Env " + ENV_BIND + ". Default: 127.0.0.1."})
  String bind;

  @Option(names = "--admin-token", paramLabel = "TOKEN", descriptionKey = ENV_ADMIN_TOKEN, description = {
      "Bearer token required by /admin/*. Prefer the env variable: flags show up in ps.",
      "Env " + ENV_ADMIN_TOKEN + ". Default: none, /admin/* is disabled."})
  String adminToken;

  /** The port; {@link ServeConfig} checks its range. */
  public int port() {
    return ServeOptions.parseInt(port, "--port", ENV_PORT);
  }

  public String bind() {
    return ServeOptions.require(bind, "--bind", ENV_BIND).strip();
  }

  public Optional<String> adminToken() {
    return ServeOptions.isBlank(adminToken) ? Optional.empty() : Optional.of(adminToken.strip());
  }
}
