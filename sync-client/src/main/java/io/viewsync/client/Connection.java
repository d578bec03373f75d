package io.viewsync.client;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's one link to the server at a time ({@link ConnectionState}): opens it, hands its messages to the
 * {@link Handler}, and when it goes away without {@link #close()} opens a new one after the {@link Backoff} — except
 * after close code 4001 (the server does not speak the client's protocol version), which is final. It pings a
 * quiet established link and drops one that stays silent for a whole interval after a ping: a half-open TCP
 * connection tells nobody.
 *
 * <p>Transport events come from the transport's threads; each is posted to the client's thread tagged with the link
 * it belongs to, so late events of a link already dropped are ignored.
 *
 * <p>Not thread-safe: the client's thread only, except {@link #state()}.
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);

  /** Close code after an unsupported protocol version (docs/protocol.md, "Close codes"). */
  static final int CLOSE_UNSUPPORTED_PROTOCOL = 4001;

  /** What the client does with the link's events, on the client's thread. */
  interface Handler {
    /** A new link is open: the client speaks first. */
    void opened();

    /** A message on the current link. */
    void received(String text);

    /**
     * The current link went away without the client asking: {@code code} is the server's close code, or -1 for an
     * error. A new link follows after the backoff unless the state is now {@link ConnectionState#FAILED}.
     */
    void lost(int code, String reason);
  }

  private final URI uri;
  private final Transport transport;
  private final Backoff backoff;
  private final Duration pingInterval;
  private final ScheduledExecutorService thread;
  /** Posts work to the client's thread; false once the client has stopped. */
  private final Predicate<Runnable> post;
  private final Handler handler;

  private int generation; // of the current link
  private Transport.Link link;
  private ScheduledFuture<?> retry;
  private ScheduledFuture<?> pinger;
  private long pings;
  private boolean awaitingPong;
  private volatile ConnectionState state = ConnectionState.CONNECTING;

  Connection(URI uri, Transport transport, Backoff backoff, Duration pingInterval, ScheduledExecutorService thread,
      Predicate<Runnable> post, Handler handler) {
    this.uri = uri;
    this.transport = transport;
    this.backoff = backoff;
    this.pingInterval = pingInterval;
    this.thread = thread;
    this.post = post;
    this.handler = handler;
  }

  /** Any thread. */
  ConnectionState state() {
    return state;
  }

  /** Whether the server accepted the current link ({@link #established()}). */
  boolean isEstablished() {
    return state == ConnectionState.CONNECTED;
  }

  /** Opens a link (at start, and after each backoff). */
  void open() {
    if (state == ConnectionState.CLOSED || state == ConnectionState.FAILED) {
      return;
    }
    state = ConnectionState.CONNECTING;
    int gen = ++generation;
    CompletableFuture<?> opening;
    try {
      opening = transport.open(uri, new Events(gen));
    } catch (RuntimeException e) {
      opening = CompletableFuture.failedFuture(e);
    }
    opening.whenComplete((ok, failed) -> {
      if (failed != null) {
        post.test(() -> {
          if (gen == generation) {
            log.debug("cannot connect to {}: {}", uri, failed.toString());
            reconnectLater();
          }
        });
      }
    });
  }

  /** Sends on the current link. */
  void send(String text) {
    link.send(text);
  }

  /** The server accepted the link ({@code connected}): pings start. */
  void established() {
    state = ConnectionState.CONNECTED;
    awaitingPong = false;
    if (pingInterval.isZero()) {
      return;
    }
    long every = pingInterval.toMillis();
    int gen = generation;
    pinger = thread.scheduleAtFixedRate(() -> post.test(() -> {
      if (gen != generation) {
        return; // a tick queued just before its link was dropped
      }
      if (awaitingPong) {
        log.debug("no answer from {} within {} ms; reconnecting", uri, every);
        restart("no answer to a ping");
      } else {
        awaitingPong = true;
        send(io.viewsync.core.protocol.ClientMessageWriter.ping(++pings));
      }
    }), every, every, TimeUnit.MILLISECONDS);
  }

  /** The link works (it applied a poke): the next loss starts the backoff over. */
  void worked() {
    backoff.reset();
  }

  /** Closes the current link ({@code why} as the close reason) and opens a new one after the backoff. */
  void restart(String why) {
    drop(why);
    reconnectLater();
  }

  /** The server does not speak the client's protocol: closes the link and stays {@link ConnectionState#FAILED}. */
  void fail(String why) {
    state = ConnectionState.FAILED;
    drop(why);
  }

  /** Closes the link for good (close code 1000). */
  void close() {
    state = ConnectionState.CLOSED;
    drop("client closed");
  }

  private void drop(String why) {
    generation++;
    cancelTimers();
    if (link != null) {
      link.close(1000, why);
      link = null;
    }
  }

  private void reconnectLater() {
    if (state == ConnectionState.CLOSED || state == ConnectionState.FAILED) {
      return;
    }
    state = ConnectionState.DISCONNECTED;
    retry = thread.schedule(() -> post.test(this::open), backoff.nextMillis(), TimeUnit.MILLISECONDS);
  }

  private void cancelTimers() {
    if (pinger != null) {
      pinger.cancel(false);
      pinger = null;
    }
    if (retry != null) {
      retry.cancel(false);
      retry = null;
    }
  }

  private void lost(int code, String reason) {
    link = null;
    drop(null);
    if (code == CLOSE_UNSUPPORTED_PROTOCOL) {
      state = ConnectionState.FAILED;
    } else {
      log.debug("connection to {} lost ({}: {}); reconnecting", uri, code, reason);
      reconnectLater();
    }
    handler.lost(code, reason);
  }

  /** One link's events, tagged with its generation. Called on the transport's threads. */
  private final class Events implements Transport.Listener {
    private final int gen;

    Events(int gen) {
      this.gen = gen;
    }

    @Override
    public void onOpen(Transport.Link opened) {
      boolean posted = post.test(() -> {
        if (gen != generation) {
          opened.close(1000, "client closed");
          return;
        }
        link = opened;
        handler.opened();
      });
      if (!posted) {
        opened.close(1000, "client closed");
      }
    }

    @Override
    public CompletionStage<?> onText(String text) {
      CompletableFuture<Void> handled = new CompletableFuture<>();
      boolean posted = post.test(() -> {
        try {
          if (gen == generation) {
            awaitingPong = false; // any message shows the link is alive
            handler.received(text);
          }
        } finally {
          handled.complete(null);
        }
      });
      if (!posted) {
        handled.complete(null);
      }
      return handled;
    }

    @Override
    public void onClosed(int code, String reason) {
      post.test(() -> {
        if (gen == generation) {
          lost(code, reason);
        }
      });
    }

    @Override
    public void onError(Throwable error) {
      post.test(() -> {
        if (gen == generation) {
          lost(-1, error.toString());
        }
      });
    }
  }
}
