package io.viewsync.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of commands that talk to a running service ({@code viewsync resync}): where it is and the admin token.
 * Like {@link ServeOptions}, each option also reads an environment variable ({@code descriptionKey}, see
 * {@link EnvDefaults}), and messages name both. Without {@code --url} the service is looked for where {@code serve}
 * listens with the same environment: {@code http://127.0.0.1:$VIEWSYNC_PORT}, port 4848 by default.
 *
 * <p>Used as a picocli mixin. Not thread-safe; picocli fills it on one thread.
 */
public final class AdminClientOptions {

  static final String ENV_URL = "VIEWSYNC_URL";
  static final int DEFAULT_PORT = 4848;

  @Option(names = "--url", paramLabel = "URL", descriptionKey = ENV_URL, description = {
      "Base URL of the running service.",
      "Env " + ENV_URL + ". Default: http://127.0.0.1:PORT with PORT from " + ServeOptions.ENV_PORT + " (4848)."})
  String url;

  // Like serve's: never ${DEFAULT-VALUE} in the description, --help would print the token from the env.
  @Option(names = "--admin-token", paramLabel = "TOKEN", descriptionKey = ServeOptions.ENV_ADMIN_TOKEN,
      description = {"Bearer token for /admin/*, as given to serve. Prefer the env variable: flags show up in ps.",
          "Env " + ServeOptions.ENV_ADMIN_TOKEN + ". Default: none."})
  String adminToken;

  /**
   * Turns the option text into a config; {@code env} supplies the port of the default URL.
   *
   * @throws IllegalArgumentException naming the flag and its environment variable; never echoes the token
   */
  public AdminClientConfig toConfig(Map<String, String> env) {
    URI base = url == null || url.isBlank() ? defaultUrl(env) : parseUrl(url.strip());
    return new AdminClientConfig(base,
        adminToken == null || adminToken.isBlank() ? Optional.empty() : Optional.of(adminToken.strip()));
  }

  private static URI defaultUrl(Map<String, String> env) {
    String portText = env.getOrDefault(ServeOptions.ENV_PORT, "");
    int port = DEFAULT_PORT;
    if (!portText.isBlank()) {
      String label = ServeOptions.label("--url", ENV_URL) + " is not set and " + ServeOptions.ENV_PORT;
      try {
        port = Integer.parseInt(portText.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(label + " is not a port number: '" + portText.strip() + "'");
      }
      if (port == 0) {
        throw new IllegalArgumentException(label + " is 0 (serve picked a free port): give the service's URL with "
            + "--url");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(label + " must be between 1 and 65535, got " + port);
      }
    }
    return URI.create("http://127.0.0.1:" + port);
  }

  private static URI parseUrl(String text) {
    String label = ServeOptions.label("--url", ENV_URL);
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(label + " is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      // Not echoed: a URL may carry a password.
      throw new IllegalArgumentException(label + " must be an http:// or https:// URL with a host, e.g. "
          + "http://127.0.0.1:4848");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(label + " must be the service's base URL, without user info, query or "
          + "fragment");
    }
    return URI.create(text.replaceAll("/+$", "")); // paths are appended to it
  }
}
