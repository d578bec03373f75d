package io.viewsync.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.viewsync.replica.ApplyStats;
import io.viewsync.replica.Replicator;
import io.viewsync.replica.TableState;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The service's meter registry, exported in the Prometheus text format ({@link #scrape()}, served at
 * {@code GET /metrics}): JVM and process metrics, and the replicator's, read from its status snapshot and counters
 * at scrape time ({@link MetricNames}). The sync side records into the same registry through
 * {@link io.viewsync.server.sync.SyncMetrics}.
 *
 * <p>Thread-safe; a scrape reads only volatile state and atomics, so it may run on an event loop.
 */
public final class ServiceMetrics implements AutoCloseable {
  /** The phases a replicator reports ({@code Replicator.status().phase()}). */
  static final List<String> PHASES = List.of("starting", "copying", "streaming", "reconnecting", "stopped",
      "failed");
  /** The slot states of {@code pg_replication_slots.wal_status}. */
  static final List<String> WAL_STATUSES = List.of("reserved", "extended", "unreserved", "lost");
  /** Content type of the text format {@link #scrape()} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public ServiceMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Every metric, in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Exports the replicator's state: lag, watermark, readiness ({@code readyLagBytes} as {@code /readyz} uses it),
   * phase, apply counters, slot health, schema version and tables by state.
   */
  public void bind(Replicator r, long readyLagBytes) {
    gauge(MetricNames.LAG_BYTES, "upstream WAL not yet durable in the replica (-1 unknown)", "bytes", r,
        Replicator::lagBytes);
    gauge(MetricNames.LAG_SECONDS, "the walsender's flush lag for the slot (0 caught up, -1 unknown)", "seconds",
        r, Replicator::lagSeconds);
    gauge(MetricNames.WATERMARK, "the replica's watermark (the LSN as a number)", null, r,
        x -> x.watermark().value());
    gauge(MetricNames.READY, "1 when the replica is caught up (/readyz answers 200)", null, r,
        x -> x.ready(readyLagBytes) ? 1 : 0);
    for (String phase : PHASES) {
      Gauge.builder(MetricNames.PHASE, r, x -> phase.equals(x.status().phase()) ? 1 : 0).tag("phase", phase)
          .description("1 for the replicator's current phase").register(registry);
    }
    ApplyStats s = r.stats();
    counter(MetricNames.TRANSACTIONS, "upstream transactions applied", s.transactions, null);
    counter(MetricNames.ROWS, "row changes applied, by op", s.inserts, "insert");
    counter(MetricNames.ROWS, "row changes applied, by op", s.updates, "update");
    counter(MetricNames.ROWS, "row changes applied, by op", s.deletes, "delete");
    counter(MetricNames.ROWS, "row changes applied, by op", s.truncates, "truncate");
    counter(MetricNames.BATCHES, "SQLite transactions (batches of upstream transactions) committed", s.batches,
        null);
    counter(MetricNames.QUARANTINES, "tables quarantined", s.quarantines, null);
    gauge(MetricNames.BATCH_TRANSACTIONS, "upstream transactions in the last batch", null, s,
        ApplyStats::lastBatchTransactions);
    gauge(MetricNames.BATCH_SECONDS, "commit time of the last batch", "seconds", s, x -> x.lastBatchNanos() / 1e9);
    gauge(MetricNames.SLOT_RETAINED_BYTES, "WAL the slot holds back from removal (-1 unknown)", "bytes", r,
        Replicator::slotRetainedBytes);
    for (String status : WAL_STATUSES) {
      Gauge.builder(MetricNames.SLOT_WAL_STATUS, r, x -> status.equals(x.slotWalStatus()) ? 1 : 0)
          .tag("status", status).description("1 for the slot's wal_status").register(registry);
    }
    gauge(MetricNames.SCHEMA_VERSION, "the replica's schema version", null, r, x -> x.status().schemaVersion());
    for (TableState state : TableState.values()) {
      String name = state.wireName();
      Gauge.builder(MetricNames.TABLES, r,
              x -> x.status().tables().stream().filter(t -> name.equals(t.state())).count())
          .tag("state", name).description("tables in each state").register(registry);
    }
  }

  private <T> void gauge(String name, String description, String unit, T target, ToDoubleFunction<T> f) {
    Gauge.builder(name, target, f).description(description).baseUnit(unit).register(registry);
  }

  private void counter(String name, String description, AtomicLong value, String op) {
    FunctionCounter.Builder<AtomicLong> b = FunctionCounter.builder(name, value, AtomicLong::get)
        .description(description);
    if (op != null) {
      b.tag("op", op);
    }
    b.register(registry);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
