package io.viewsync.server.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.viewsync.core.protocol.ProtocolError;
import io.viewsync.server.metrics.MetricNames;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The sync side's metrics ({@link MetricNames}): counters and timers recorded where things happen, and gauges the
 * view-sync thread {@linkplain #publish publishes} as one immutable snapshot, so a scrape never touches the view
 * syncer's state.
 *
 * <p>Thread-safe: recording methods may be called from any thread (the view-sync thread and event loops).
 */
public final class SyncMetrics {
  /** What the view-sync thread publishes about the state it owns. */
  public record Counts(int clients, int degradedClients, int groups, int queries, int pipelines) {
    static final Counts NONE = new Counts(0, 0, 0, 0, 0);
  }

  private final MeterRegistry registry;
  private final LongSupplier upstreamCommitMicros;
  private final Counter pokes;
  private final DistributionSummary pokeRows;
  private final Timer pokeLatency;
  private final Timer advance;
  private final Timer hydration;
  private final Map<ProtocolError.Kind, Counter> errors = new EnumMap<>(ProtocolError.Kind.class);
  private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();
  private volatile Counts counts = Counts.NONE;

  /**
   * @param upstreamCommitMicros the upstream commit time (Unix microseconds) of the newest transaction durable in
   *     the replica, -1 for none; poke latency is measured from it
   */
  public SyncMetrics(MeterRegistry registry, LongSupplier upstreamCommitMicros) {
    this.registry = registry;
    this.upstreamCommitMicros = upstreamCommitMicros;
    pokes = Counter.builder(MetricNames.POKES).description("pokes sent to clients").register(registry);
    pokeRows = DistributionSummary.builder(MetricNames.POKE_ROWS).description("row operations per poke")
        .baseUnit("rows").register(registry);
    pokeLatency = Timer.builder(MetricNames.POKE_LATENCY)
        .description("upstream commit of the newest transaction of an advance to its pokes handed to the sockets")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    advance = Timer.builder(MetricNames.ADVANCE).description("one advance of the views and its pokes")
        .register(registry);
    hydration = Timer.builder(MetricNames.HYDRATION)
        .description("a subscription's first answer (its view built, or found shared)").register(registry);
    for (ProtocolError.Kind k : ProtocolError.Kind.values()) {
      errors.put(k, Counter.builder(MetricNames.PROTOCOL_ERRORS).tag("kind", k.wire())
          .description("errors sent to clients, by kind").register(registry));
    }
    gauge(MetricNames.CLIENTS, "connected clients", c -> c.clients());
    gauge(MetricNames.CLIENTS_DEGRADED, "connected clients whose schema is degraded", c -> c.degradedClients());
    gauge(MetricNames.CLIENT_GROUPS, "client groups in memory", c -> c.groups());
    gauge(MetricNames.QUERIES, "subscriptions (client queries) in memory", c -> c.queries());
    gauge(MetricNames.PIPELINES, "pipelines shared by the subscriptions", c -> c.pipelines());
  }

  /** Metrics kept in memory only: for tests and tools that do not export them. */
  public static SyncMetrics unexported() {
    return new SyncMetrics(new SimpleMeterRegistry(), () -> -1);
  }

  private void gauge(String name, String description, java.util.function.ToIntFunction<Counts> f) {
    Gauge.builder(name, this, m -> f.applyAsInt(m.counts)).description(description).register(registry);
  }

  /** View-sync thread: the state it owns, as of now. */
  void publish(Counts now) {
    counts = now;
  }

  /** The counts last published. */
  public Counts counts() {
    return counts;
  }

  /** The upstream commit time of the replica's newest transaction now (read before an advance starts). */
  long upstreamCommitMicros() {
    return upstreamCommitMicros.getAsLong();
  }

  void poke(int rows) {
    pokes.increment();
    pokeRows.record(rows);
  }

  /**
   * An advance took {@code nanos}; when it moved the version and poked someone, its latency is measured from
   * {@code commitMicros} (the upstream commit of the newest transaction it covers, by the upstream's clock).
   */
  void advanced(long nanos, boolean versionMoved, boolean poked, long commitMicros) {
    advance.record(nanos, TimeUnit.NANOSECONDS);
    if (versionMoved && poked && commitMicros > 0) {
      long micros = System.currentTimeMillis() * 1000 - commitMicros;
      pokeLatency.record(Math.max(0, micros), TimeUnit.MICROSECONDS);
    }
  }

  void hydrated(long nanos) {
    hydration.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** An error sent to a client. */
  public void error(ProtocolError.Kind kind) {
    errors.get(kind).increment();
  }

  /** A connection the server closed with {@code code}. */
  public void close(int code) {
    closes.computeIfAbsent(code, c -> Counter.builder(MetricNames.CLOSES).tag("code", Integer.toString(c))
        .description("connections the server closed, by WebSocket close code").register(registry)).increment();
  }

  /** How many connections the server closed with {@code code}. */
  public long closes(int code) {
    Counter c = closes.get(code);
    return c == null ? 0 : (long) c.count();
  }

  /** How many pokes were sent. */
  public long pokes() {
    return (long) pokes.count();
  }

  /** How many errors of {@code kind} were sent. */
  public long errors(ProtocolError.Kind kind) {
    return (long) errors.get(kind).count();
  }
}
