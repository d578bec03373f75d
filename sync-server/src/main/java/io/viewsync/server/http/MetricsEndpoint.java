package io.viewsync.server.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: every metric in the Prometheus text format
 * (<a href="https://prometheus.io/docs/instrumenting/exposition_formats/">exposition formats</a>). Open like
 * {@code /healthz}: Prometheus scrapes without a token, and nothing in it names a table, client or query.
 *
 * <p>Safe from any thread; the scrape reads volatile state only, so it runs on the event loop.
 */
public final class MetricsEndpoint implements HttpEndpoint {
  private final Supplier<String> scrape;
  private final String contentType;

  /** @param scrape the metrics as text; @param contentType its media type */
  public MetricsEndpoint(Supplier<String> scrape, String contentType) {
    this.scrape = scrape;
    this.contentType = contentType;
  }

  @Override
  public FullHttpResponse handle(FullHttpRequest request) {
    return JsonResponses.body(HttpResponseStatus.OK, contentType, scrape.get().getBytes(StandardCharsets.UTF_8));
  }
}
