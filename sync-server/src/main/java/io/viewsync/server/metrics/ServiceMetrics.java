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
import java.util.function.Supplier;

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
  static final List<String> PHASES = List.of("starting", "copying", "streaming", "reconnecting", "stale",
      "stopped", "failed");
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
   * phase, apply counters, slot health, schema version and tables by state. {@code replicator} gives the serving
   * one, which an online rebuild replaces.
   */
  public void bind(Supplier<Replicator> replicator, long readyLagBytes) {
    gauge(MetricNames.LAG_BYTES, "upstream WAL not yet durable in the replica (-1 unknown)", "bytes",
        () -> replicator.get().lagBytes());
    gauge(MetricNames.LAG_SECONDS, "the walsender's flush lag for the slot (0 caught up, -1 unknown)", "seconds",
        () -> replicator.get().lagSeconds());
    gauge(MetricNames.WATERMARK, "the replica's watermark (the LSN as a number)", null,
        () -> replicator.get().watermark().value());
    gauge(MetricNames.READY, "1 when the replica is caught up (/readyz answers 200)", null,
        () -> replicator.get().ready(readyLagBytes) ? 1 : 0);
    for (String phase : PHASES) {
      Gauge.builder(MetricNames.PHASE, () -> phase.equals(replicator.get().status().phase()) ? 1 : 0)
          .tag("phase", phase).description("1 for the replicator's current phase").register(registry);
    }
    counter(MetricNames.TRANSACTIONS, "upstream transactions applied", replicator, s -> s.transactions, null);
    counter(MetricNames.ROWS, "row changes applied, by op", replicator, s -> s.inserts, "insert");
    counter(MetricNames.ROWS, "row changes applied, by op", replicator, s -> s.updates, "update");
    counter(MetricNames.ROWS, "row changes applied, by op", replicator, s -> s.deletes, "delete");
    counter(MetricNames.ROWS, "row changes applied, by op", replicator, s -> s.truncates, "truncate");
    counter(MetricNames.BATCHES, "SQLite transactions (batches of upstream transactions) committed", replicator,
        s -> s.batches, null);
    counter(MetricNames.QUARANTINES, "tables quarantined", replicator, s -> s.quarantines, null);
    counter(MetricNames.RESYNCS_STARTED, "per-table resyncs started", replicator, s -> s.resyncsStarted, null);
    counter(MetricNames.RESYNCS_DONE, "per-table resyncs swapped in", replicator, s -> s.resyncsSwapped, null);
    gauge(MetricNames.COPY_ROWS, "rows copied so far by the tables being copied or resynced", null,
        () -> copyProgress(replicator.get(), false));
    gauge(MetricNames.COPY_ROWS_ESTIMATED, "estimated rows of the tables being copied or resynced", null,
        () -> copyProgress(replicator.get(), true));
    gauge(MetricNames.BATCH_TRANSACTIONS, "upstream transactions in the last batch", null,
        () -> replicator.get().stats().lastBatchTransactions());
    gauge(MetricNames.BATCH_SECONDS, "commit time of the last batch", "seconds",
        () -> replicator.get().stats().lastBatchNanos() / 1e9);
    gauge(MetricNames.SLOT_RETAINED_BYTES, "WAL the slot holds back from removal (-1 unknown)", "bytes",
        () -> replicator.get().slotRetainedBytes());
    for (String status : WAL_STATUSES) {
      Gauge.builder(MetricNames.SLOT_WAL_STATUS, () -> status.equals(replicator.get().slotWalStatus()) ? 1 : 0)
          .tag("status", status).description("1 for the slot's wal_status").register(registry);
    }
    gauge(MetricNames.SCHEMA_VERSION, "the replica's schema version", null,
        () -> replicator.get().status().schemaVersion());
    for (TableState state : TableState.values()) {
      String name = state.wireName();
      Gauge.builder(MetricNames.TABLES,
              () -> replicator.get().status().tables().stream().filter(t -> name.equals(t.state())).count())
          .tag("state", name).description("tables in each state").register(registry);
    }
  }

  /**
   * Exports the online rebuild: its state (1 for the current one), rows copied and estimated, and the duration of
   * the last one that finished.
   */
  public void bindRebuild(Supplier<io.viewsync.server.rebuild.RebuildStatus> status) {
    for (String state : REBUILD_STATES) {
      Gauge.builder(MetricNames.REBUILD_STATE, () -> state.equals(status.get().state()) ? 1 : 0).tag("state", state)
          .description("1 for the online rebuild's state").register(registry);
    }
    gauge(MetricNames.REBUILD_ROWS, "rows the running rebuild copied so far", null, () -> status.get().rowsDone());
    gauge(MetricNames.REBUILD_ROWS_ESTIMATED, "rows the running rebuild estimates to copy", null,
        () -> status.get().rowsEstimated());
    gauge(MetricNames.REBUILD_SECONDS, "how long the current or last rebuild ran", "seconds",
        () -> status.get().elapsedSeconds());
  }

  /** The states of an online rebuild ({@code RebuildStatus.state}). */
  static final List<String> REBUILD_STATES = List.of("idle", "copying", "catching-up", "swapping", "done",
      "failed");

  /** Rows done (or estimated) over the tables whose copy is under way: those with an estimate in status. */
  private static double copyProgress(Replicator r, boolean estimate) {
    long sum = 0;
    for (var t : r.status().tables()) {
      if (t.estimate() >= 0 && ("copying".equals(t.state()) || "resyncing".equals(t.state()))) {
        sum += estimate ? t.estimate() : Math.max(0, t.rows());
      }
    }
    return sum;
  }

  private void gauge(String name, String description, String unit, Supplier<Number> f) {
    Gauge.builder(name, f).description(description).baseUnit(unit).register(registry);
  }

  /** A counter read from the serving replicator's {@link ApplyStats} (an online rebuild hands them on). */
  private void counter(String name, String description, Supplier<Replicator> r,
      java.util.function.Function<ApplyStats, AtomicLong> value, String op) {
    FunctionCounter.Builder<ServiceMetrics> b = FunctionCounter.builder(name, this,
        m -> value.apply(r.get().stats()).get()).description(description);
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
