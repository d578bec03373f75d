package io.viewsync.core.source.pg.pgoutput;

/** Bytes that are not a pgoutput message of the protocol version we asked for. The message is a sentence. */
public final class PgOutputParseException extends RuntimeException {
  public PgOutputParseException(String message) {
    super(message);
  }
}
