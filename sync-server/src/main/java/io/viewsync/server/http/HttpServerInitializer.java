package io.viewsync.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The pipeline of one HTTP connection, top to bottom as bytes flow in. Sharable handlers are built once here and
 * reused by every channel.
 *
 * <p>Constructed once while wiring; {@link #initChannel} runs on each new channel's event loop.
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {

  /** Largest request body accepted; larger ones get 413 from the aggregator. Admin requests are tiny. */
  public static final int MAX_REQUEST_BYTES = 64 * 1024;

  /** The WebSocket endpoint of client protocol v1 (DESIGN.md §8). */
  public static final String SYNC_PATH = "/sync/v1";

  /** Largest WebSocket frame accepted; a larger one closes the connection with 1009 (docs/protocol.md). */
  public static final int MAX_FRAME_BYTES = 1024 * 1024;

  private final AdminAuthHandler adminAuth;
  private final HttpRouter router;
  private final io.viewsync.server.sync.SyncHub hub;

  /**
   * @param status     answers {@code /readyz} and {@code /admin/status}
   * @param resyncer   starts per-table resyncs for {@code POST /admin/tables/{name}/resync}
   * @param adminToken bearer token for {@code /admin/*}; empty leaves them open (see {@link AdminAuthHandler})
   */
  public HttpServerInitializer(StatusProvider status, TableResyncer resyncer, Optional<String> adminToken) {
    this(status, resyncer, adminToken, null);
  }

  /** @param hub serves protocol v1 at {@link #SYNC_PATH}; null for none (no WebSocket endpoint) */
  public HttpServerInitializer(StatusProvider status, TableResyncer resyncer, Optional<String> adminToken,
      io.viewsync.server.sync.SyncHub hub) {
    this(status, resyncer, adminToken, hub, null);
  }

  /** @param metrics answers {@code GET /metrics}; null for none */
  public HttpServerInitializer(StatusProvider status, TableResyncer resyncer, Optional<String> adminToken,
      io.viewsync.server.sync.SyncHub hub, MetricsEndpoint metrics) {
    this(status, resyncer, adminToken, hub, metrics, null);
  }

  /** @param rebuilder answers {@code /admin/rebuild}; null for none */
  public HttpServerInitializer(StatusProvider status, TableResyncer resyncer, Optional<String> adminToken,
      io.viewsync.server.sync.SyncHub hub, MetricsEndpoint metrics, Rebuilder rebuilder) {
    this(status, resyncer, adminToken, hub, metrics, rebuilder, routes -> {});
  }

  /**
   * @param moreRoutes adds routes beside the service's own ({@code viewsync demo}'s page); the browser client is
   *                   always served at {@link StaticFiles#CLIENT_PATH}
   */
  public HttpServerInitializer(StatusProvider status, TableResyncer resyncer, Optional<String> adminToken,
      io.viewsync.server.sync.SyncHub hub, MetricsEndpoint metrics, Rebuilder rebuilder,
      Consumer<HttpRouter.Builder> moreRoutes) {
    this.hub = hub;
    this.adminAuth = new AdminAuthHandler(adminToken);
    HttpRouter.Builder routes = HttpRouter.builder()
        .get("/healthz", new HealthzEndpoint())
        .get("/readyz", new ReadyzEndpoint(status))
        .get("/admin/status", new AdminStatusEndpoint(status))
        .post(AdminResyncEndpoint.PATH, new AdminResyncEndpoint(resyncer));
    if (metrics != null) {
      routes.get(METRICS_PATH, metrics);
    }
    if (rebuilder != null) {
      routes.get(AdminRebuildEndpoint.PATH, AdminRebuildEndpoint.status(rebuilder))
          .post(AdminRebuildEndpoint.PATH, AdminRebuildEndpoint.start(rebuilder));
    }
    StaticFiles.client().addTo(routes, StaticFiles.CLIENT_PATH);
    moreRoutes.accept(routes);
    this.router = routes.build();
  }

  /** Where Prometheus scrapes. */
  public static final String METRICS_PATH = "/metrics";

  @Override
  protected void initChannel(Channel ch) {
    ChannelPipeline p = ch.pipeline();
    p.addLast("http-codec", new HttpServerCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES));
    if (hub != null) {
      // The protocol handler answers the upgrade of SYNC_PATH and passes every other request on unchanged.
      p.addLast("ws-compression", new io.netty.handler.codec.http.websocketx.extensions.compression
          .WebSocketServerCompressionHandler(0));
      p.addLast("ws-upgrade", new io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler(
          io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig.newBuilder().websocketPath(SYNC_PATH)
              .maxFramePayloadLength(MAX_FRAME_BYTES).checkStartsWith(false).allowExtensions(true).build()));
      // A message may come in fragments (the JDK's client splits large ones): one frame per message from here.
      p.addLast("ws-aggregator", new io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator(MAX_FRAME_BYTES));
      p.addLast("sync-session", new io.viewsync.server.sync.SyncFrameHandler(hub));
    }
    p.addLast("admin-auth", adminAuth);
    p.addLast("router", router);
  }
}
