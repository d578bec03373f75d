package io.viewsync.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs the benchmarks and prints their result tables (Markdown) to stdout; logs and replicas go to a work
 * directory. Usage: {@code BenchMain [--size small|full] [--only apply,latency,copy,resync,views,sync] [--work DIR]}.
 * Benchmarks, not tests: nothing here asserts a time; each figure is set beside a reference measured in the same
 * run. See docs/benchmarks.md.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    String sizeName = "small";
    Set<String> only = Set.of("apply", "latency", "copy", "resync", "views", "sync");
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size" -> sizeName = args[++i];
        case "--only" -> only = Set.of(args[++i].split(","));
        case "--work" -> work = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("usage: BenchMain [--size small|full]"
            + " [--only apply,latency,copy,resync,views,sync] [--work DIR]; unknown argument " + args[i]);
      }
    }
    BenchSize size = BenchSize.of(sizeName);
    work = work != null ? Files.createDirectories(work) : Files.createTempDirectory("viewsync-bench-");
    System.out.printf("viewsync benchmarks, size %s, %s%n", size.name(), ZonedDateTime.now());
    System.out.printf("%d CPUs seen by the JVM, Java %s, work directory %s%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), work);
    List<ResultTable> results = new ArrayList<>();
    try (Upstream up = new Upstream()) {
      System.out.println("PostgreSQL " + up.one("postgres", "SHOW server_version") + "\n");
      if (only.contains("apply")) {
        results.addAll(print(new ApplyThroughputBench(up, size, work).run()));
      }
      if (only.contains("latency")) {
        results.addAll(print(new IdleLatencyBench(up, size, work).run()));
      }
      if (only.contains("copy")) {
        results.addAll(print(new InitialCopyBench(up, size, work).run()));
      }
      if (only.contains("resync")) {
        results.addAll(print(new ResyncBench(up, size, work).run()));
      }
      if (only.contains("views")) {
        results.addAll(print(new ViewBench(up, size, work).run()));
      }
      if (only.contains("sync")) {
        results.addAll(print(new SyncBench(up, size, work).run()));
      }
    }
    System.out.println("==== all results ====\n");
    results.forEach(System.out::println);
    System.exit(0); // the pgjdbc and SQLite drivers leave no non-daemon threads, but be sure
  }

  private static List<ResultTable> print(List<ResultTable> tables) {
    tables.forEach(System.out::println);
    System.out.flush();
    return tables;
  }
}
