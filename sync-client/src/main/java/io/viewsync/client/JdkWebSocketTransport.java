package io.viewsync.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@link Transport} over the JDK's {@link WebSocket} ({@code java.net.http}): text messages reassembled from their
 * frames, one requested at a time (the next only once the client has handled the last), sends chained so that
 * one starts after the previous completed (the JDK refuses overlapping sends).
 *
 * <p>Thread-safe. One {@link HttpClient} is shared by every client in the JVM (its selector thread and pool).
 */
final class JdkWebSocketTransport implements Transport {
  /** How long a closing handshake may take before the socket is aborted. */
  private static final long CLOSE_GRACE_MILLIS = 2_000;

  private static final class Shared {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public CompletableFuture<?> open(URI uri, Listener listener) {
    return Shared.HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, new Adapter(listener));
  }

  /** The JDK's listener calls, turned into whole messages and the client's flow control. */
  private static final class Adapter implements WebSocket.Listener {
    private final Listener listener;
    private final StringBuilder partial = new StringBuilder();

    Adapter(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void onOpen(WebSocket ws) {
      listener.onOpen(new JdkLink(ws, listener));
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (!last) {
        ws.request(1);
        return null;
      }
      String text = partial.toString();
      partial.setLength(0);
      listener.onText(text).whenComplete((ok, failed) -> ws.request(1));
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ws.abort();
      listener.onError(new IOException("the server sent a binary frame; protocol v1 messages are text frames"));
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      listener.onClosed(statusCode, reason);
      return null; // the JDK then answers the close frame
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      listener.onError(error);
    }
  }

  private static final class JdkLink implements Link {
    private final WebSocket ws;
    private final Listener listener;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null); // guarded by this

    JdkLink(WebSocket ws, Listener listener) {
      this.ws = ws;
      this.listener = listener;
    }

    @Override
    public synchronized void send(String text) {
      tail = tail.thenCompose(done -> ws.sendText(text, true));
      tail.whenComplete((done, failed) -> {
        if (failed != null) {
          listener.onError(failed);
        }
      });
    }

    @Override
    public synchronized void close(int code, String reason) {
      tail = tail.handle((done, failed) -> null).thenCompose(done -> ws.sendClose(code, reason));
      CompletableFuture.delayedExecutor(CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS).execute(ws::abort);
    }
  }
}
