package io.viewsync.core.pg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A directory holding the PostgreSQL server binaries ({@code postgres}, {@code initdb}, {@code pg_ctl}).
 *
 * <p>{@link #discover()} looks, in order, at:
 *
 * <ol>
 *   <li>system property {@code viewsync.pg.bin} or {@code VIEWSYNC_PG_BIN}, then environment variable
 *       {@code VIEWSYNC_PG_BIN}: used as given, and an error if it lacks a binary;
 *   <li>{@code pg_config --bindir}, if {@code pg_config} is on the PATH and the directory is complete;
 *   <li>the highest version under {@code /usr/lib/postgresql/<version>/bin} (Debian's layout);
 *   <li>the binaries bundled in the jar ({@link BundledPostgres}), unpacked on first use.
 * </ol>
 *
 * <p>Immutable value; safe from any thread.
 */
public record PgBinaries(Path binDir) {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PgBinaries.class);

  static final List<String> REQUIRED = List.of("postgres", "initdb", "pg_ctl");
  static final String ENV = "VIEWSYNC_PG_BIN";
  static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

  public PgBinaries {
    binDir = binDir.toAbsolutePath().normalize();
  }

  /** Finds the binaries on this machine; throws {@link IllegalStateException} naming what was tried. */
  public static PgBinaries discover() {
    String explicit = System.getProperty("viewsync.pg.bin", System.getProperty(ENV, System.getenv(ENV)));
    return discover(explicit, PgBinaries::pgConfigBindir, DEBIAN_ROOT, BundledPostgres::unpack);
  }

  static PgBinaries discover(String explicit, Supplier<Optional<String>> pgConfigBindir, Path versionsRoot) {
    return discover(explicit, pgConfigBindir, versionsRoot, Optional::empty);
  }

  static PgBinaries discover(String explicit, Supplier<Optional<String>> pgConfigBindir, Path versionsRoot,
      Supplier<Optional<PgBinaries>> bundled) {
    if (explicit != null && !explicit.isBlank()) {
      Path dir = Path.of(explicit.trim());
      List<String> missing = missing(dir);
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            ENV + "=" + explicit + " does not contain the PostgreSQL server binaries " + missing);
      }
      return new PgBinaries(dir);
    }
    List<String> tried = new ArrayList<>();
    Optional<String> fromPgConfig = pgConfigBindir.get();
    if (fromPgConfig.isPresent()) {
      Path dir = Path.of(fromPgConfig.get().trim());
      if (missing(dir).isEmpty()) {
        return new PgBinaries(dir);
      }
      tried.add("pg_config --bindir (" + dir + ", lacks " + missing(dir) + ")");
    } else {
      tried.add("pg_config --bindir (no pg_config on PATH)");
    }
    Optional<Path> newest = newestVersionDir(versionsRoot);
    if (newest.isPresent()) {
      return new PgBinaries(newest.get());
    }
    tried.add(versionsRoot + "/*/bin (none complete)");
    Optional<PgBinaries> fromJar = bundled.get();
    if (fromJar.isPresent()) {
      log.info("no PostgreSQL installed ({}): using the binaries bundled with viewsync, {}", String.join(", ", tried),
          fromJar.get().binDir());
      return fromJar.get();
    }
    tried.add("binaries bundled with viewsync (not in this build, or not Linux x86-64)");
    throw new IllegalStateException(
        "no PostgreSQL server binaries found; tried "
            + ENV
            + " (not set), "
            + String.join(", ", tried)
            + ". Install them (Debian/Ubuntu: apt-get install postgresql) or set "
            + ENV
            + " to the directory holding postgres, initdb and pg_ctl.");
  }

  /** The path of one binary in this directory, e.g. {@code tool("pg_ctl")}. */
  public Path tool(String name) {
    return binDir.resolve(name);
  }

  static List<String> missing(Path dir) {
    return REQUIRED.stream().filter(name -> !Files.isExecutable(dir.resolve(name))).toList();
  }

  static Optional<Path> newestVersionDir(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)*"))
          .filter(v -> missing(v.resolve("bin")).isEmpty())
          .max(Comparator.comparing(v -> v.getFileName().toString(), PgBinaries::compareVersions))
          .map(v -> v.resolve("bin"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not list " + root, e);
    }
  }

  /** Compares dotted version numbers numerically: {@code 9.6 < 10 < 17}. */
  static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long xi = i < x.length ? Long.parseLong(x[i]) : 0;
      long yi = i < y.length ? Long.parseLong(y[i]) : 0;
      if (xi != yi) {
        return Long.compare(xi, yi);
      }
    }
    return 0;
  }

  private static Optional<String> pgConfigBindir() {
    try {
      Command.Result result = Command.run(List.of("pg_config", "--bindir"), Duration.ofSeconds(10));
      return result.ok() ? Optional.of(result.output().strip()) : Optional.empty();
    } catch (RuntimeException e) { // not on the PATH
      return Optional.empty();
    }
  }
}
