package io.viewsync.server;

import io.viewsync.core.source.pg.PgConnector;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.ReplicatorConfig;
import io.viewsync.replica.StartupException;
import io.viewsync.server.config.ServeConfig;
import io.viewsync.server.config.UpstreamUrl;
import io.viewsync.server.http.HttpServer;
import io.viewsync.server.http.HttpServerInitializer;
import io.viewsync.server.http.MetricsEndpoint;
import io.viewsync.server.metrics.ServiceMetrics;
import io.viewsync.server.rebuild.Replicas;
import io.viewsync.server.sync.SyncHub;
import io.viewsync.server.sync.SyncMetrics;
import io.viewsync.server.sync.ViewSyncer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code viewsync serve}: the upstream (or an embedded Postgres), the replicator and the HTTP server, run
 * until SIGTERM/SIGINT or a fatal replication error. Startup problems the operator must fix end the process
 * with exit code 1 and one clear line.
 *
 * <p>Called once, on the main thread, which it blocks.
 */
public final class Service implements ServiceLauncher {
  private static final Logger log = LoggerFactory.getLogger(Service.class);

  @Override
  public int run(ServeConfig config) throws Exception {
    return run(config, ServiceExtension.NONE);
  }

  @Override
  public int run(ServeConfig config, ServiceExtension extension) throws Exception {
    logAdminState(config);
    config.createReplicaDir();
    CompletableFuture<Integer> stop = new CompletableFuture<>();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    Thread hook = new Thread(() -> {
      stop.complete(0);
      try {
        stopped.get(30, TimeUnit.SECONDS); // let run() close everything before the JVM halts
      } catch (Exception e) {
        // halting anyway
      }
    }, "viewsync-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    EmbeddedUpstream embedded = null;
    try {
      UpstreamUrl upstream;
      if (config.upstream().isPresent()) {
        upstream = config.upstream().get();
      } else {
        embedded = EmbeddedUpstream.start(config.replicaDir());
        upstream = embedded.url();
      }
      log.info("upstream {}", upstream.redacted());
      AtomicReference<Replicas> started = new AtomicReference<>();
      try (AutoCloseable beside = extension.start(upstream);
           ServiceMetrics metrics = new ServiceMetrics();
           SyncHub hub = new SyncHub(ServerInfo.version(), config.replicaDir(), ViewSyncer.Options.DEFAULTS,
               new SyncMetrics(metrics.registry(), () -> {
                 Replicas r = started.get();
                 return r == null ? -1 : r.current().stats().durableCommitMicros();
               }));
           Replicas replicas = new Replicas(replicatorConfig(config, upstream), hub)) {
        started.set(replicas);
        hub.attach(replicas::store);
        try {
          replicas.start();
        } catch (StartupException e) {
          throw new ServiceException(e.getMessage(), e);
        }
        CopyProgressPrinter.start(replicas::current, System.err);
        metrics.bind(replicas::current, config.readyLagBytes());
        metrics.bindRebuild(replicas::status);
        replicas.terminated().whenComplete((v, e) -> stop.complete(e == null ? 0 : 1));
        try (HttpServer http = new HttpServer(config.bind(), config.port(),
            new HttpServerInitializer(new ReplicatorStatusProvider(replicas::current, config.readyLagBytes(),
                hub.metrics()::counts, replicas::status),
                ReplicatorResyncer.of(replicas::current), config.adminToken(), hub,
                new MetricsEndpoint(metrics::scrape, ServiceMetrics.CONTENT_TYPE), replicas.rebuilder(),
                extension::routes))) {
          http.start();
          log.info("viewsync listening on http://{}:{}", config.bind(), http.port());
          extension.listening("http://" + config.bind() + ":" + http.port());
          int code = stop.get();
          log.info("viewsync stopping");
          if (code != 0) {
            try {
              replicas.terminated().get();
            } catch (ExecutionException e) {
              throw new ServiceException("replication stopped: " + e.getCause().getMessage(), e.getCause());
            }
          }
          return code;
        }
      }
    } finally {
      if (embedded != null) {
        embedded.close();
      }
      stopped.complete(null);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook is running; it returns as soon as it sees `stopped`.
      }
    }
  }

  static ReplicatorConfig replicatorConfig(ServeConfig config, UpstreamUrl upstream) {
    return new ReplicatorConfig(new PgConnector(upstream.jdbcUrl(), upstream.properties()), config.replicaDir(),
        config.slot(), config.publication(), config.tables().stream().map(t -> t.replicaName()).toList(),
        config.copyWorkers(), config.heartbeatInterval(), ReplicatorConfig.DEFAULT_MAX_BATCH_ROWS,
        ReplicatorConfig.DEFAULT_MAX_BATCH_MILLIS);
  }

  private static void logAdminState(ServeConfig config) {
    if (config.adminToken().isEmpty()) {
      log.info("admin endpoints (/admin/*: status, resync) are disabled: set VIEWSYNC_ADMIN_TOKEN to enable them");
    }
  }

}
