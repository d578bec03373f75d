package io.viewsync.core.protocol;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The protocol versions this server speaks (docs/protocol.md, "Protocol versions"): {@link #MIN} through
 * {@link #MAX}. Versions only grow; a server that supports n+1 keeps supporting n for at least one release.
 *
 * <p>Constants and stateless functions; safe from any thread.
 */
public final class ProtocolVersions {

  /** The oldest version accepted in {@code connect}. */
  public static final int MIN = 1;
  /** The newest version accepted in {@code connect}. */
  public static final int MAX = 1;

  private ProtocolVersions() {}

  /** Whether {@code version} is in {@link #MIN}..{@link #MAX}. */
  public static boolean supports(long version) {
    return version >= MIN && version <= MAX;
  }

  /**
   * The {@code unsupported_protocol} error for a client that asked for {@code requested} (its text, as sent, so
   * that an integer beyond {@code long} is shown as it came): {@code details} {@code {"min": 1, "max": 1}}. The
   * server closes the connection with 4001 after sending it.
   */
  public static ProtocolError unsupported(String requested) {
    ObjectNode details = JsonNodeFactory.instance.objectNode().put("min", MIN).put("max", MAX);
    String shown = requested.length() > 40 ? requested.substring(0, 40) + "…" : requested;
    return new ProtocolError(ProtocolError.Kind.UNSUPPORTED_PROTOCOL,
        "protocol version " + shown + " is not supported: this server speaks " + MIN + " through " + MAX,
        details, null);
  }
}
