package io.viewsync.server.http;

import java.util.Map;

/** A status provider for tests that need one but look at other endpoints: always ready, an empty status. */
public final class EmbeddedStatus {
  private EmbeddedStatus() {}

  public static final StatusProvider READY = new StatusProvider() {
    @Override
    public boolean ready() {
      return true;
    }

    @Override
    public String notReadyReason() {
      return "";
    }

    @Override
    public Object status() {
      return Map.of();
    }
  };
}
