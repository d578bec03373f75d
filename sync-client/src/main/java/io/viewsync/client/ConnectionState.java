package io.viewsync.client;

/**
 * Where a {@link SyncClient}'s connection stands. The client moves
 * {@code CONNECTING → CONNECTED → DISCONNECTED → CONNECTING → …} by itself; only {@link SyncClient#close()} leads
 * to {@code CLOSED}, and only a server that does not speak the client's protocol version to {@code FAILED}.
 */
public enum ConnectionState {
  /** Opening the socket, or waiting for {@code connected}. */
  CONNECTING,
  /** The server accepted {@code connect}: pokes flow. */
  CONNECTED,
  /** The connection was lost; the client reconnects after its backoff, with its cookie. */
  DISCONNECTED,
  /** The server refused the protocol version (close code 4001): the client does not retry. */
  FAILED,
  /** {@link SyncClient#close()} was called. */
  CLOSED
}
