package io.viewsync.client;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How the client reaches the server: one WebSocket of whole text messages per {@link #open}. The JDK's is
 * {@link JdkWebSocketTransport}; tests plug in one without sockets.
 *
 * <p>Implementations are thread-safe; the {@link Listener} is called from the transport's threads, one call at a
 * time per link.
 */
interface Transport {

  /**
   * Opens a connection to {@code uri}: {@link Listener#onOpen} hands over the link before any message, and the
   * returned future completes exceptionally if the connection cannot be opened.
   */
  CompletableFuture<?> open(URI uri, Listener listener);

  /** One open connection. */
  interface Link {
    /** Sends one text message after the ones sent before; a failure is reported to the listener's onError. */
    void send(String text);

    /** Starts the closing handshake and lets go of the connection (aborting it if the server does not answer). */
    void close(int code, String reason);
  }

  /** What a link reports, one call at a time, onOpen first. After onClosed or onError, nothing more. */
  interface Listener {
    /** The connection is open; messages may follow. */
    void onOpen(Link link);

    /**
     * One whole text message. The next is delivered only after the returned stage completes, so a slow client
     * slows the server's socket down (TCP backpressure) instead of queueing messages without bound.
     */
    CompletionStage<?> onText(String text);

    /** The server closed the connection with a WebSocket close code. */
    void onClosed(int code, String reason);

    /** The connection failed (network error, protocol error, a send that failed). */
    void onError(Throwable error);
  }
}
