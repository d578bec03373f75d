package io.viewsync.bench;

import static io.viewsync.bench.ResultTable.f;

import io.viewsync.core.Lsn;
import io.viewsync.core.protocol.ClientSchema;
import io.viewsync.core.query.Condition;
import io.viewsync.core.query.Literal;
import io.viewsync.core.query.Op;
import io.viewsync.core.query.Ordering;
import io.viewsync.core.query.Query;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Sync protocol v1 end to end (docs/benchmarks.md §8): upstream commit → replica → views → poke on a WebSocket.
 * The server (a {@code Replicator} with a {@code SyncHub} as its listener behind the {@code HttpServer}, as the
 * service wires them) runs in a child JVM ({@link ChildReplicator}), so that its heap is measured apart from the
 * clients'; the clients ({@link SyncClients}) and the upstream writer run in this JVM.
 *
 * <p>Table {@code items(id bigint primary key, bucket int, sent bigint, v text)}, {@code syncQueries × 100}
 * initial rows; query k is {@code items where bucket = k orderBy id desc limit 10}. The load: single-row
 * autocommit INSERTs, {@code syncTxPerSecond} of them per second on a fixed schedule ({@link PacedWriter}), bucket
 * = row number mod queries, so each enters the top of one query's window (a put, and a del of the row it pushes
 * out); {@code sent} = {@link System#nanoTime()} just before the INSERT is sent, and the INSERT returns
 * {@code pg_current_wal_insert_lsn()}, a position between the row and its commit record.
 *
 * <ul>
 *   <li>Poke latency, per delivery (a row to a client subscribed to its bucket): when the client got the
 *       {@code pokeEnd} of the poke that {@code put} the row, minus the {@code sent} it read back from the row.
 *   <li>Reference, per row, in the same run: when the replica durably held it — the replicator's
 *       {@code versionReady} with a watermark at or past the row's LSN, timed in the server child before the hub
 *       is told (Linux's {@code nanoTime} is CLOCK_MONOTONIC, one clock for both JVMs; checked at start).
 * </ul>
 *
 * Part 1, latency: {@code syncClients} clients, one query each, spread evenly over the queries. Part 2,
 * fan-out: 3 queries per client, client count stepped up ({@code syncSteps}) in one server; per step, the heap
 * after GC in the server child against before any client. Runs on the caller's thread, the writer's thread and
 * the clients' event loops.
 */
final class SyncBench {
  static final String TABLE = "items";
  /** Each query's limit. */
  static final int WINDOW = 10;
  /** Initial rows per bucket. */
  static final int ROWS_PER_BUCKET = 100;
  static final double LATENCY_TARGET_MS = 50;
  static final double FANOUT_TARGET_MS = 100;
  static final int FANOUT_QUERIES_PER_CLIENT = 3;
  /** Connections opened before waiting for their {@code connected}: the server's accept backlog is 1,024. */
  private static final int OPEN_BATCH = 250;
  /**
   * A fan-out step this far over its target ends the stepping (pokes are coalesced under overload, so latency
   * grows with the clients but does not run away; beyond this the figures say nothing new).
   */
  private static final double GIVE_UP_FACTOR = 100;
  private static final String FILLER = "0123456789abcdef0123456789abcdef";
  static final ClientSchema SCHEMA = ClientSchema.of(new ClientSchema.Table(TABLE, columns(), List.of("id")));

  private final Upstream up;
  private final BenchSize size;
  private final Path work;
  private final SyncClients.Parse parse = SyncClients.Parse.valueOf(
      System.getProperty("bench.sync.parse", "scan").toUpperCase(Locale.ROOT));
  private final int clientThreads = Integer.getInteger("bench.sync.clientThreads", 2);
  /** The server child's heap limit: thousands of client groups need more than the replicators' 512m. */
  private final String serverHeap = System.getProperty("bench.sync.serverHeap", "-Xmx2g");

  SyncBench(Upstream up, BenchSize size, Path work) {
    this.up = up;
    this.size = size;
    this.work = work;
  }

  private static Map<String, String> columns() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("id", "int8");
    c.put("bucket", "int4");
    c.put("sent", "int8");
    c.put("v", "text");
    return c;
  }

  static Query query(int bucket) {
    return Query.of(TABLE).withWhere(new Condition.Compare("bucket", Op.EQ, new Literal.Int(bucket)))
        .withOrderBy(List.of(Ordering.desc("id"))).withLimit((long) WINDOW);
  }

  /**
   * Both parts; for diagnosis {@code -Dbench.sync.parts=latency} or {@code fanout} runs one, and
   * {@code -Dbench.sync.steps=1000,2000} replaces the size's fan-out steps.
   */
  List<ResultTable> run() throws Exception {
    String parts = System.getProperty("bench.sync.parts", "latency,fanout");
    List<ResultTable> out = new ArrayList<>();
    if (parts.contains("latency")) {
      out.addAll(latency());
    }
    if (parts.contains("fanout")) {
      out.addAll(fanOut());
    }
    return out;
  }

  private int[] steps() {
    String s = System.getProperty("bench.sync.steps");
    return s == null ? size.syncSteps() : Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  // ---- part 1

  private List<ResultTable> latency() throws Exception {
    int n = size.syncClients();
    int q = size.syncQueries();
    Step s;
    String serverNotes;
    try (Server server = new Server("latency");
         SyncClients clients = new SyncClients(server.uri(), TABLE, clientThreads, parse)) {
      Load load = new Load(q);
      int[] subscribers = new int[q];
      double connectS = open(clients, 0, n, 1, subscribers);
      long heap = server.child.heapAfterGc();
      s = measure(server, clients, load, subscribers, size.syncWarmupSeconds(), size.syncSeconds());
      s.connectS = connectS;
      s.heapBytes = heap;
      s.heapBefore = server.heapBefore;
      s.clients = n;
      serverNotes = server.notes(clients);
    }
    String title = "Sync latency (" + n + " clients, each its own client group with one of " + q + " queries; "
        + size.syncTxPerSecond() + " single-row tx/s, " + size.syncWarmupSeconds() + " s warm-up, then "
        + size.syncSeconds() + " s)";
    ResultTable lat = new ResultTable(title, "from just before the INSERT (autocommit) is sent to", "samples",
        "median ms", "p90 ms", "p99 ms", "max ms");
    distRow(lat, "the INSERT returned (upstream commit)", s.insert);
    distRow(lat, "reference: replica watermark covers the row (hub told)", s.ref);
    distRow(lat, "the client has the poke with the row (pokeEnd)", s.poke);
    distRow(lat, "extra: poke - reference of its row", s.extra);
    ResultTable ratio = new ResultTable("Sync latency: poke against the reference (replica watermark)",
        "percentile", "poke ms", "reference ms", "poke / reference");
    for (double p : new double[] {50, 90, 99, 100}) {
      double a = Stats.percentile(s.poke, p);
      double b = Stats.percentile(s.ref, p);
      ratio.row(p == 50 ? "median" : p == 100 ? "max" : "p" + (int) p, f(a, 2), f(b, 2), f(a / b, 1));
    }
    double p99 = Stats.percentile(s.poke, 99);
    ResultTable checks = new ResultTable("Sync latency: load, checks and target", "measure", "value");
    loadRows(checks, s);
    checks.row("server heap after GC: before the clients / with them",
        f(s.heapBefore / 1048576.0, 1) + " / " + f(s.heapBytes / 1048576.0, 1) + " MiB ("
            + f((s.heapBytes - s.heapBefore) / 1024.0 / n, 1) + " KiB per client)");
    checks.row("server heap after GC once the load stopped", f(s.heapLoaded / 1048576.0, 1) + " MiB");
    tombstoneRows(checks, s);
    checks.row("connect + subscribe + first poke, all clients", f(s.connectS, 1) + " s");
    checks.row("server", serverNotes);
    checks.row("poke p99", f(p99, 2) + " ms" + (p99 < LATENCY_TARGET_MS ? " (target < 50 ms met)"
        : " (target < 50 ms MISSED)"));
    return List.of(lat, ratio, checks);
  }

  // ---- part 2

  private List<ResultTable> fanOut() throws Exception {
    int q = size.syncQueries();
    List<Step> steps = new ArrayList<>();
    String serverNotes;
    ResultTable t = new ResultTable("Sync fan-out (" + FANOUT_QUERIES_PER_CLIENT + " of " + q
        + " queries per client, each client its own group; " + size.syncTxPerSecond() + " single-row tx/s; per"
        + " step " + size.syncWarmupSeconds() + " s warm-up, then " + size.syncStepSeconds() + " s)",
        "clients", "connect + first poke s", "heap after connect MiB", "KiB per added client", "tx/s",
        "pokes/s", "advances/s (tx each)", "deliveries received / expected", "poke p99 ms", "poke median / max ms", "reference p99 ms",
        "heap after load MiB", "CPU % server / bench / machine", "p99 < 100 ms");
    try (Server server = new Server("fanout");
         SyncClients clients = new SyncClients(server.uri(), TABLE, clientThreads, parse)) {
      Load load = new Load(q);
      int[] subscribers = new int[q];
      int opened = 0;
      long previousHeap = server.heapBefore;
      for (int target : steps()) {
        double connectS = open(clients, opened, target, FANOUT_QUERIES_PER_CLIENT, subscribers);
        long heap = server.child.heapAfterGc();
        Step s;
        if (clients.ready() + clients.gone() < target) {
          s = new Step();
          s.note = "not all clients ready after " + f(connectS, 0) + " s (" + clients.ready() + " ready)";
        } else {
          s = measure(server, clients, load, subscribers, size.syncWarmupSeconds(), size.syncStepSeconds());
        }
        s.clients = target;
        s.connectS = connectS;
        s.heapBefore = server.heapBefore;
        s.heapBytes = heap;
        s.heapAdded = (heap - previousHeap) / 1024.0 / (target - opened);
        opened = target;
        steps.add(s);
        if (s.poke == null) {
          t.row(target, f(connectS, 1), f(heap / 1048576.0, 1), "", "", "", "", "", "", "", "", "", "", s.note);
          break;
        }
        previousHeap = s.heapLoaded;
        double p99 = Stats.percentile(s.poke, 99);
        t.row(target, f(connectS, 1), f(heap / 1048576.0, 1),
            f(s.heapAdded, 1), f(s.txPerS, 0),
            f(s.pokesPerS, 0), f(s.advancesPerS, 1) + " (" + f(s.txPerS / s.advancesPerS, 1) + ")",
            s.received + " / " + s.expected, f(p99, 1), f(Stats.median(s.poke), 1) + " / "
                + f(Stats.percentile(s.poke, 100), 1), f(Stats.percentile(s.ref, 99), 1),
            f(s.heapLoaded / 1048576.0, 1), cpu(s), (p99 < FANOUT_TARGET_MS ? "yes" : "no")
                + (clients.gone() > 0 ? ", " + clients.gone() + " clients closed" : ""));
        if (p99 > GIVE_UP_FACTOR * FANOUT_TARGET_MS || clients.gone() > 0) {
          break;
        }
      }
      serverNotes = server.notes(clients);
    }
    int best = 0;
    Step last = steps.get(steps.size() - 1);
    for (Step s : steps) {
      if (s.poke != null && Stats.percentile(s.poke, 99) < FANOUT_TARGET_MS && s.gone == 0) {
        best = Math.max(best, s.clients);
      }
    }
    ResultTable verdict = new ResultTable("Sync fan-out: target, memory and checks", "measure", "value");
    verdict.row("most clients with poke p99 < 100 ms (of the steps run)", best
        + (best >= 10_000 ? " (target 10,000 met)" : " (target 10,000 " + (size.name().equals("full") ? "MISSED)"
            : "not tried at this size)")));
    verdict.row("server heap per client added by the last step (" + last.clients + " clients): after GC with them"
        + " connected, minus after GC before they connected", f(last.heapAdded, 1) + " KiB");
    if (last.poke != null) {
      tombstoneRows(verdict, last);
      loadRows(verdict, last);
    }
    verdict.row("server", serverNotes);
    return List.of(t, verdict);
  }

  // ---- shared

  /** Opens clients {@code from} … {@code to - 1}, each subscribing {@code perClient} buckets; waits until ready. */
  private double open(SyncClients clients, int from, int to, int perClient, int[] subscribers)
      throws InterruptedException {
    int q = subscribers.length;
    long t0 = System.nanoTime();
    for (int i = from; i < to; i++) {
      Map<String, Query> queries = new LinkedHashMap<>();
      for (int j = 0; j < perClient; j++) {
        int bucket = (i * perClient + j) % q;
        queries.put("q" + bucket, query(bucket));
        subscribers[bucket]++;
      }
      clients.open("g" + i, "c" + i, SCHEMA, queries);
      if ((i - from + 1) % OPEN_BATCH == 0 && !clients.awaitConnected(i + 1, 300_000)) {
        break;
      }
    }
    clients.awaitReady(size.name().equals("full") ? 900_000 : 60_000);
    return (System.nanoTime() - t0) / 1e9;
  }

  /** What one measurement window gave. */
  private static final class Step {
    int clients;
    double connectS;
    long heapBefore;
    long heapBytes;
    double heapAdded;
    long heapLoaded; // after GC, once the load stopped and the clients got every poke
    long puts; // rows put to clients from the start of the load to its end: as many left a client's view
    double txPerS;
    double pokesPerS;
    double framesPerS;
    long received;
    long expected;
    long duplicates;
    long mismatches;
    long missingRef;
    int gone;
    int problems;
    double serverCpu;
    double benchCpu;
    double machineBusy; // share of all CPUs busy (any process)
    double advancesPerS; // server advances that poked someone (distinct cookies first seen in the window)
    double[] advanceGaps; // ms between successive such advances, as the clients first saw them
    double[] poke;
    double[] ref;
    double[] extra;
    double[] insert;
    String note;
  }

  /**
   * Runs the load for {@code warmup} then {@code seconds}; rows sent in the second part are measured, once every
   * client has received what it will (pokes stop for a second after the writer stopped).
   */
  private Step measure(Server server, SyncClients clients, Load load, int[] subscribers, int warmup, int seconds)
      throws Exception {
    Step s = new Step();
    long puts0 = clients.puts();
    PacedWriter writer = PacedWriter.start(up.connect(server.db), load, 1, 1_000_000_000L / size.syncTxPerSecond());
    long from;
    long to;
    long cpu0;
    long cpu1;
    long bench0;
    long bench1;
    long pokes0;
    long pokes1;
    long frames0;
    long frames1;
    long[] machine0;
    long[] machine1;
    try {
      Thread.sleep(warmup * 1000L);
      for (SyncClients.Client c : clients.clients()) {
        c.drain(); // the warm-up's deliveries
      }
      clients.advances(0, 0); // and its cookies
      from = System.nanoTime();
      cpu0 = server.child.cpuNanos();
      bench0 = benchCpuNanos();
      pokes0 = clients.pokes();
      frames0 = clients.frames();
      machine0 = machineJiffies();
      Thread.sleep(seconds * 1000L);
      machine1 = machineJiffies();
      to = System.nanoTime();
      cpu1 = server.child.cpuNanos();
      bench1 = benchCpuNanos();
      pokes1 = clients.pokes();
      frames1 = clients.frames();
    } finally {
      writer.close();
    }
    long last = -1;
    long stableSince = System.nanoTime();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() - stableSince < 1_000_000_000L && System.nanoTime() < deadline) {
      long p = clients.pokes();
      if (p != last) {
        last = p;
        stableSince = System.nanoTime();
      }
      Thread.sleep(50);
    }
    s.puts = clients.puts() - puts0;
    long[] advances = clients.advances(from, to);
    s.advancesPerS = advances.length / ((to - from) / 1e9);
    double[] gaps = new double[Math.max(0, advances.length - 1)];
    for (int k = 1; k < advances.length; k++) {
      gaps[k - 1] = (advances[k] - advances[k - 1]) / 1e6;
    }
    s.advanceGaps = gaps.length > 0 ? gaps : new double[] {Double.NaN};
    s.heapLoaded = server.child.heapAfterGc();
    double window = (to - from) / 1e9;
    s.serverCpu = (cpu1 - cpu0) / (double) (to - from);
    s.benchCpu = (bench1 - bench0) / (double) (to - from);
    s.machineBusy = (machine1[0] - machine0[0]) / (double) (machine1[1] - machine0[1]);
    s.pokesPerS = (pokes1 - pokes0) / window;
    s.framesPerS = (frames1 - frames0) / window;
    s.gone = clients.gone();
    s.problems = clients.problemCount();

    // Rows sent in the window, and when the replica held each (the reference).
    int i0 = load.firstAtOrAfter(from);
    int i1 = load.firstAtOrAfter(to);
    s.txPerS = (i1 - i0) / window;
    Path versionsFile = server.dir.resolve("versions-" + System.nanoTime() + ".txt");
    server.child.versions(versionsFile);
    long[][] versions = readVersions(versionsFile);
    Files.delete(versionsFile);
    double[] ref = new double[i1 - i0];
    long[] refAt = new long[i1 - i0];
    double[] insert = new double[i1 - i0];
    int[] delivered = new int[i1 - i0];
    int refs = 0;
    for (int i = i0; i < i1; i++) {
      insert[i - i0] = (load.done[i] - load.sent[i]) / 1e6;
      long at = readyAt(versions, load.lsn[i]);
      refAt[i - i0] = at;
      if (at < 0) {
        s.missingRef++;
      } else {
        ref[refs++] = (at - load.sent[i]) / 1e6;
      }
      s.expected += subscribers[load.bucket(i)];
    }
    s.ref = Arrays.copyOf(ref, refs);
    s.insert = insert;

    // Deliveries of those rows.
    List<double[]> pokes = new ArrayList<>();
    List<double[]> extras = new ArrayList<>();
    for (SyncClients.Client c : clients.clients()) {
      long[] d = c.drain();
      double[] p = new double[d.length / 3];
      double[] e = new double[d.length / 3];
      int n = 0;
      int m = 0;
      for (int k = 0; k < d.length; k += 3) {
        int i = load.index(d[k]);
        if (i < i0 || i >= i1) {
          continue;
        }
        if (d[k + 1] != load.sent[i]) {
          s.mismatches++;
        }
        if (++delivered[i - i0] > subscribers[load.bucket(i)]) {
          s.duplicates++;
        }
        p[n++] = (d[k + 2] - load.sent[i]) / 1e6;
        if (refAt[i - i0] >= 0) {
          e[m++] = (d[k + 2] - refAt[i - i0]) / 1e6;
        }
      }
      pokes.add(Arrays.copyOf(p, n));
      extras.add(Arrays.copyOf(e, m));
      s.received += n;
    }
    s.poke = concat(pokes);
    s.extra = concat(extras);
    return s;
  }

  /**
   * Heap growth under load per row that left a client's view: each put of a new row pushes the window's last row
   * out, and the group keeps a tombstone for it (so that a client behind can catch up), up to
   * {@code maxTombstonesPerGroup}; with that many, per client group.
   */
  private static void tombstoneRows(ResultTable t, Step s) {
    double perRow = (s.heapLoaded - s.heapBytes) / (double) s.puts;
    int max = io.viewsync.server.sync.ViewSyncer.Options.DEFAULTS.maxTombstonesPerGroup();
    t.row("server heap growth under load per row that left a client's view (" + s.puts + " rows; the group"
        + " keeps a tombstone)", f(perRow, 0) + " B");
    t.row("the same at the default " + String.format("%,d", max) + " tombstones per client group, per client"
        + " (1 client per group)", f(perRow * max / 1048576.0, 2) + " MiB (× " + s.clients + " clients = "
        + f(perRow * max * s.clients / 1073741824.0, 2) + " GiB)");
  }

  private static String cpu(Step s) {
    return f(s.serverCpu * 100, 0) + " / " + f(s.benchCpu * 100, 0) + " / "
        + f(s.machineBusy * Runtime.getRuntime().availableProcessors() * 100, 0);
  }

  private static void loadRows(ResultTable t, Step s) {
    t.row("upstream transactions in the window", f(s.txPerS, 1) + " tx/s (INSERT round trip p99 "
        + f(Stats.percentile(s.insert, 99), 2) + " ms)");
    t.row("pokes received (all clients)", f(s.pokesPerS, 0) + " /s (" + f(s.framesPerS, 0) + " frames/s)");
    t.row("server advances that poked (distinct cookies): rate, transactions per advance, time between them"
        + " median / p99 / max", f(s.advancesPerS, 1) + " /s, " + f(s.txPerS / s.advancesPerS, 1) + " tx, "
        + f(Stats.median(s.advanceGaps), 1) + " / " + f(Stats.percentile(s.advanceGaps, 99), 1) + " / "
        + f(Stats.percentile(s.advanceGaps, 100), 1) + " ms");
    t.row("deliveries received / expected (row × client subscribed to its bucket)", s.received + " / "
        + s.expected + (s.duplicates > 0 ? ", " + s.duplicates + " duplicates" : ""));
    t.row("rows whose sent column read back differs", s.mismatches);
    t.row("rows without a reference time", s.missingRef);
    int cpus = Runtime.getRuntime().availableProcessors();
    t.row("CPU: server child / bench JVM (clients, writer) / whole machine (" + cpus + " CPUs; Postgres and other"
        + " processes too)", f(s.serverCpu * 100, 0) + "% / " + f(s.benchCpu * 100, 0) + "% / "
        + f(s.machineBusy * cpus * 100, 0) + "% of one CPU");
    t.row("clients closed / protocol problems seen by clients", s.gone + " / " + s.problems);
  }

  private static void distRow(ResultTable t, String what, double[] v) {
    t.row(what, v.length, f(Stats.median(v), 2), f(Stats.percentile(v, 90), 2), f(Stats.percentile(v, 99), 2),
        f(Stats.percentile(v, 100), 2));
  }

  private static double[] concat(List<double[]> parts) {
    int n = 0;
    for (double[] p : parts) {
      n += p.length;
    }
    double[] out = new double[n];
    int at = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** {busy, total} jiffies of all CPUs ({@code /proc/stat}); busy excludes idle and iowait. */
  private static long[] machineJiffies() throws IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split(" +");
    long total = 0;
    for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
      total += Long.parseLong(f[i]);
    }
    long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
    return new long[] {total - idle, total};
  }

  private static long benchCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** "nanos lsn" lines, in the order announced: {nanos[], lsns[]}. */
  private static long[][] readVersions(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    long[] nanos = new long[lines.size()];
    long[] lsns = new long[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      String[] w = lines.get(i).split(" ");
      nanos[i] = Long.parseLong(w[0]);
      lsns[i] = Long.parseLong(w[1]);
    }
    return new long[][] {nanos, lsns};
  }

  /** When the first watermark at or past {@code lsn} was announced; -1 if none was. Watermarks only grow. */
  private static long readyAt(long[][] versions, long lsn) {
    long[] lsns = versions[1];
    int lo = 0;
    int hi = lsns.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(lsns[mid], lsn) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < lsns.length ? versions[0][lo] : -1;
  }

  /**
   * The upstream load, one row per transaction (autocommit): id = first id + n, bucket = n mod queries,
   * {@code sent} = nanoTime just before the INSERT goes out. Records per row when it was sent, when the INSERT
   * returned, and the insert LSN it returned. Writer thread; read by the bench thread once the writer stopped.
   */
  private static final class Load implements PacedWriter.Transaction {
    private final int queries;
    private final long firstId;
    long[] sent = new long[1 << 16];
    long[] done = new long[1 << 16];
    long[] lsn = new long[1 << 16];
    private int count;
    private Connection prepared;
    private PreparedStatement insert;

    Load(int queries) {
      this.queries = queries;
      this.firstId = (long) queries * ROWS_PER_BUCKET + 1;
    }

    @Override
    public synchronized void run(Connection c, long seq) throws SQLException {
      if (c != prepared) {
        insert = c.prepareStatement("INSERT INTO " + TABLE + " (id, bucket, sent, v) VALUES (?, ?, ?, ?)"
            + " RETURNING pg_current_wal_insert_lsn()::text");
        prepared = c;
      }
      int n = count;
      insert.setLong(1, firstId + n);
      insert.setInt(2, bucket(n));
      insert.setString(4, FILLER);
      long t0 = System.nanoTime();
      insert.setLong(3, t0);
      String at;
      try (ResultSet rs = insert.executeQuery()) {
        rs.next();
        at = rs.getString(1);
      }
      long t1 = System.nanoTime();
      if (n == sent.length) {
        sent = Arrays.copyOf(sent, n * 2);
        done = Arrays.copyOf(done, n * 2);
        lsn = Arrays.copyOf(lsn, n * 2);
      }
      sent[n] = t0;
      done[n] = t1;
      lsn[n] = Lsn.parse(at).value();
      count = n + 1;
    }

    int bucket(int n) {
      return n % queries;
    }

    int index(long id) {
      return (int) (id - firstId);
    }

    /** The first row sent at or after {@code nanos} (rows are sent in order). */
    synchronized int firstAtOrAfter(long nanos) {
      int lo = 0;
      int hi = count;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (sent[mid] < nanos) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  /** A sync server in a child JVM: its own database, replica and log; serving once constructed. */
  private final class Server implements AutoCloseable {
    final String db;
    final Path dir;
    final Path log;
    final ChildReplicator child;
    final int port;
    final long heapBefore;

    Server(String name) throws Exception {
      int q = size.syncQueries();
      db = "bench_sync_" + name;
      dir = work.resolve("sync-" + name);
      log = work.resolve("sync-" + name + "-server.log");
      up.createDatabase(db);
      up.exec(db, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, bucket int NOT NULL, sent bigint NOT NULL,"
          + " v text)", "INSERT INTO " + TABLE + " SELECT g, g % " + q + ", 0, md5(g::text) FROM generate_series(1, "
          + q * ROWS_PER_BUCKET + ") g", "VACUUM (FREEZE, ANALYZE)", "CHECKPOINT");
      child = ChildReplicator.launch(log, serverHeap);
      try {
        child.openSync(up.jdbcUrl(db), up.user(), dir, "viewsync");
        child.start();
        child.awaitStreaming(300);
        port = child.serve();
        long before = System.nanoTime();
        long theirs = child.nanos();
        long after = System.nanoTime();
        if (theirs < before || theirs > after) {
          throw new IllegalStateException("the child's System.nanoTime is not this JVM's clock: " + theirs
              + " not in [" + before + ", " + after + "]; the reference times would be meaningless");
        }
        heapBefore = child.heapAfterGc();
      } catch (Exception | Error e) {
        child.close();
        throw e;
      }
    }

    URI uri() {
      return URI.create("ws://127.0.0.1:" + port + "/sync/v1");
    }

    /** Peak RSS, close codes the clients got, and the WARN and ERROR lines of the server's log. */
    String notes(SyncClients clients) throws IOException {
      List<String> problems = clients.problems();
      String closes = clients.closes().entrySet().stream().map(e -> e.getValue() + " × " + e.getKey())
          .collect(Collectors.joining(", "));
      List<String> bad = Files.readAllLines(log).stream()
          .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
      long cvr = 0; // the client view records, with their WAL
      for (String f : new String[] {"cvr.db", "cvr.db-wal"}) {
        cvr += Files.exists(dir.resolve(f)) ? Files.size(dir.resolve(f)) : 0;
      }
      return "child " + serverHeap + ", peak RSS " + f(child.peakRssKib() / 1024.0, 0) + " MiB; cvr.db "
          + f(cvr / 1048576.0, 0) + " MiB; log: " + bad.size() + " WARN/ERROR lines"
          + (bad.isEmpty() ? "" : " (first: " + bad.get(0).replace('|', '/') + ")")
          + "; closes: " + (closes.isEmpty() ? "none" : closes)
          + (problems.isEmpty() ? "" : "; client problems: " + problems.size() + " (first: "
              + problems.get(0).replace('|', '/') + ")");
    }

    @Override
    public void close() throws Exception {
      try {
        child.closeReplicator();
      } finally {
        child.close();
        up.dropDatabase(db);
      }
    }
  }
}
