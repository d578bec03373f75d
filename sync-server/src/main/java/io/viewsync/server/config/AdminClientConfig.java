package io.viewsync.server.config;

import java.net.URI;
import java.util.Optional;

/**
 * How the admin commands ({@code viewsync resync}) reach the running service; built by {@link AdminClientOptions}.
 *
 * <p>Immutable value; safe from any thread. {@link #toString()} redacts the admin token.
 *
 * @param url        the service's base URL, e.g. {@code http://127.0.0.1:4848}, without a trailing {@code /}
 * @param adminToken bearer token for {@code /admin/*}; empty sends none
 */
public record AdminClientConfig(URI url, Optional<String> adminToken) {

  public AdminClientConfig {
    if (url == null || adminToken == null) {
      throw new IllegalArgumentException("url and adminToken must not be null");
    }
  }

  /** The URL of {@code path} (which starts with {@code /}, already percent-encoded) on the service. */
  public URI resolve(String path) {
    return URI.create(url + path);
  }

  @Override
  public String toString() {
    return "AdminClientConfig[url=" + url + ", adminToken=" + (adminToken.isPresent() ? "***" : "(none)") + "]";
  }
}
