package io.viewsync.client;

/**
 * The server sent something protocol v1 does not allow, or that this client cannot hold (docs/protocol.md): a poke
 * out of order, a row that does not fit the declared schema, a message that does not parse. The client reports it
 * ({@link SyncError}, with {@link #kind()}) and reconnects with its cookie rather than apply half of what it got.
 *
 * <p>Immutable; thrown and caught on the client's thread.
 */
final class ProtocolViolation extends RuntimeException {
  /** {@link SyncError#kind()} of a message or row the client cannot use. */
  static final String PROTOCOL = "protocol_violation";
  /** {@link SyncError#kind()} of a poke whose base cookie is not the client's: it missed or skipped a poke. */
  static final String OUT_OF_STEP = "out_of_step";

  private final String kind;

  ProtocolViolation(String message) {
    this(PROTOCOL, message);
  }

  ProtocolViolation(String kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  String kind() {
    return kind;
  }
}
