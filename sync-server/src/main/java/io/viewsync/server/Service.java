package io.viewsync.server;

import io.viewsync.server.config.ServeConfig;
import io.viewsync.server.http.HttpServer;
import io.viewsync.server.http.HttpServerInitializer;
import io.viewsync.server.http.StatusProvider;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ServiceLauncher}. <b>Placeholder:</b> it only starts the HTTP server with a status that says
 * replication has not started, and blocks until the process is asked to stop (SIGTERM/SIGINT) or the calling thread
 * is interrupted. The real wiring (embedded Postgres, replicator, view syncers, WebSocket sessions) replaces it.
 *
 * <p>Called once, on the main thread, which it blocks.
 */
public final class Service implements ServiceLauncher {

  private static final Logger log = LoggerFactory.getLogger(Service.class);

  @Override
  public int run(ServeConfig config) throws Exception {
    warnIfAdminIsOpenToTheNetwork(config);
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        stopped.await(10, TimeUnit.SECONDS); // let run() close the server before the JVM halts
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "viewsync-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (HttpServer http = new HttpServer(config.bind(), config.port(),
        new HttpServerInitializer(new NotStartedStatus(), config.adminToken()))) {
      http.start();
      log.info("viewsync listening on http://{}:{} (placeholder service: replication is not started)",
          config.bind(), http.port());
      stop.await();
      log.info("viewsync stopping");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running; it returns as soon as it sees `stopped`.
      }
    }
    return 0;
  }

  private static void warnIfAdminIsOpenToTheNetwork(ServeConfig config) {
    if (config.adminToken().isPresent()) {
      return;
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(config.bind()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return; // binding will fail with a clearer message
    }
    if (!loopback) {
      log.warn("/admin/* is open to anyone who can reach {}: set VIEWSYNC_ADMIN_TOKEN", config.bind());
    }
  }

  /** Status until the real service is wired in: alive, never ready. Immutable; safe from any thread. */
  private static final class NotStartedStatus implements StatusProvider {
    private static final String REASON = "replication is not started (placeholder service)";

    @Override
    public boolean ready() {
      return false;
    }

    @Override
    public String notReadyReason() {
      return REASON;
    }

    @Override
    public Object status() {
      return new Placeholder("not_started", REASON);
    }
  }

  /** JSON body of {@code /admin/status} until the real status record exists. */
  record Placeholder(String state, String message) {}
}
