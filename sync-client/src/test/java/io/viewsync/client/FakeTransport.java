package io.viewsync.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Transport} without sockets: each {@link #open} makes a {@link FakeLink} the test plays the server on.
 * {@link FakeLink#deliver} returns once the client has handled the message (the transport's flow control), so a
 * test needs no waiting between a message and its effect. Thread-safe.
 */
final class FakeTransport implements Transport {
  static final long WAIT_SECONDS = 10;

  private final BlockingQueue<FakeLink> opened = new LinkedBlockingQueue<>();
  private volatile boolean refusing;

  /** While true, opening fails as a refused TCP connection does. */
  void refuse(boolean refuse) {
    this.refusing = refuse;
  }

  @Override
  public CompletableFuture<?> open(URI uri, Listener listener) {
    if (refusing) {
      return CompletableFuture.failedFuture(new ConnectException("connection refused"));
    }
    FakeLink link = new FakeLink(listener);
    listener.onOpen(link);
    opened.add(link);
    return CompletableFuture.completedFuture(null);
  }

  /** The next link the client opens (waits for it). */
  FakeLink nextLink() throws InterruptedException {
    FakeLink link = opened.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(link).as("the client opens a connection").isNotNull();
    return link;
  }

  /** A link opened within {@code millis}, or null. */
  FakeLink linkWithin(long millis) throws InterruptedException {
    return opened.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** One connection, the server's end. */
  static final class FakeLink implements Link {
    private final Listener listener;
    private final BlockingQueue<String> sent = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closedByClient = new CompletableFuture<>();

    FakeLink(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void send(String text) {
      sent.add(text);
    }

    @Override
    public void close(int code, String reason) {
      closedByClient.complete(code);
    }

    /** The server sends {@code messages}; returns once the client has handled them. */
    void deliver(List<String> messages) throws Exception {
      for (String m : messages) {
        deliver(m);
      }
    }

    void deliver(String message) throws Exception {
      listener.onText(message).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    void serverCloses(int code, String reason) {
      listener.onClosed(code, reason);
    }

    void fails(Throwable error) {
      listener.onError(error);
    }

    /** The next message the client sent (waits for it). */
    String nextSent() throws InterruptedException {
      String m = sent.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(m).as("the client sends a message").isNotNull();
      return m;
    }

    /** What the client sent and the test has not read yet. */
    List<String> drainSent() {
      List<String> out = new java.util.ArrayList<>();
      sent.drainTo(out);
      return out;
    }

    /** The close code the client closed this link with (waits for it). */
    int closeCode() throws Exception {
      return closedByClient.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    boolean closedByClient() {
      return closedByClient.isDone();
    }
  }
}
