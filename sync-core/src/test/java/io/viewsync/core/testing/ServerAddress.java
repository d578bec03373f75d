package io.viewsync.core.testing;

/** Where the test PostgreSQL server listens. Immutable value; safe from any thread. */
public record ServerAddress(String host, int port) {
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
