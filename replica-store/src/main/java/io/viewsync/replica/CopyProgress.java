package io.viewsync.replica;

import io.viewsync.core.TableName;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rows done and estimated per table for a running copy. Written by copy threads, read by status and the
 * progress log from any thread.
 */
public final class CopyProgress {

  /** One table's progress; {@code estimate} is Postgres' planner estimate (pg_class.reltuples), or -1. */
  public static final class Table {
    final AtomicLong done = new AtomicLong();
    final long estimate;
    volatile boolean finished;

    Table(long estimate) {
      this.estimate = estimate;
    }

    public long done() {
      return done.get();
    }

    public long estimate() {
      return estimate;
    }

    public boolean finished() {
      return finished;
    }
  }

  private final Map<TableName, Table> tables = new ConcurrentHashMap<>();
  private final long startNanos = System.nanoTime();

  Table add(TableName name, long estimate) {
    Table t = new Table(estimate);
    tables.put(name, t);
    return t;
  }

  Table table(TableName name) {
    return tables.get(name);
  }

  public Map<TableName, Table> tables() {
    return Map.copyOf(tables);
  }

  public long elapsedMillis() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** One line for the log: per table {@code done/estimate}. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    tables.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
      Table t = e.getValue();
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(e.getKey().replicaName()).append(' ').append(t.done());
      if (t.estimate >= 0) {
        sb.append('/').append(t.estimate);
      }
      if (t.finished) {
        sb.append(" done");
      }
    });
    return sb.toString();
  }
}
