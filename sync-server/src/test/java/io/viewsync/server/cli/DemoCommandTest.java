package io.viewsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.viewsync.server.ServiceExtension;
import io.viewsync.server.ServiceLauncher;
import io.viewsync.server.config.ServeConfig;
import io.viewsync.server.demo.Demo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code viewsync demo}'s options, its directory rules, and what it hands the launcher; nothing is started. */
class DemoCommandTest {

  @TempDir
  Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final AtomicReference<ServeConfig> config = new AtomicReference<>();
  private final AtomicReference<ServiceExtension> extension = new AtomicReference<>();

  private final ServiceLauncher launcher = new ServiceLauncher() {
    @Override
    public int run(ServeConfig c) {
      throw new AssertionError("demo must pass its extension");
    }

    @Override
    public int run(ServeConfig c, ServiceExtension e) {
      config.set(c);
      extension.set(e);
      return 0;
    }
  };

  private int run(Map<String, String> env, String... args) {
    return Main.run(args, env, launcher, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void theDemoAlwaysRunsOnItsEmbeddedPostgresWithItsPageBesideTheService() {
    Path dir = tmp.resolve("demo");
    int code = run(Map.of("VIEWSYNC_UPSTREAM_URL", "postgres://u:p@db/production", "VIEWSYNC_PORT", "5000"),
        "demo", "--replica-dir", dir.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(config.get().upstream()).as("never the database the environment names").isEmpty();
    assertThat(config.get().port()).isEqualTo(5000);
    assertThat(config.get().replicaDir()).isEqualTo(dir);
    assertThat(extension.get()).isInstanceOf(Demo.class);
    assertThat(dir.resolve(Demo.MARKER)).exists();
  }

  @Test
  void freshEmptiesTheDemosOwnDirectory() throws Exception {
    Path dir = tmp.resolve("demo");
    assertThat(run(Map.of(), "demo", "--replica-dir", dir.toString())).isZero();
    Files.createDirectories(dir.resolve("postgres"));
    Files.writeString(dir.resolve("postgres/PG_VERSION"), "15\n");
    Files.writeString(dir.resolve("replica.db"), "x");

    assertThat(run(Map.of(), "demo", "--replica-dir", dir.toString())).isZero();
    assertThat(dir.resolve("replica.db")).as("kept between runs").exists();

    assertThat(run(Map.of(), "demo", "--fresh", "--replica-dir", dir.toString())).isZero();
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString()).toList()).containsExactly(Demo.MARKER);
    }
  }

  @Test
  void freshRefusesToEmptyADirectoryTheDemoDidNotMake() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("precious"));
    Files.writeString(dir.resolve("thesis.tex"), "years of work");

    int code = run(Map.of(), "demo", "--fresh", "--replica-dir", dir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--fresh").contains("did not make").contains(Demo.MARKER);
    assertThat(dir.resolve("thesis.tex")).hasContent("years of work");
    assertThat(config.get()).as("nothing started").isNull();
  }

  @Test
  void aDirectoryWithSomeoneElsesFilesIsNeverTakenOverSoFreshCannotEmptyItLater() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("work"));
    Files.writeString(dir.resolve("notes.txt"), "mine");

    assertThat(run(Map.of(), "demo", "--replica-dir", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("not empty").contains(Demo.MARKER);
    assertThat(dir.resolve(Demo.MARKER)).as("not marked as the demo's").doesNotExist();
    assertThat(run(Map.of(), "demo", "--fresh", "--replica-dir", dir.toString())).isEqualTo(2);
    assertThat(dir.resolve("notes.txt")).hasContent("mine");
  }

  @Test
  void freshThroughALinkEmptiesTheDirectoryItPointsTo() throws Exception {
    Path real = tmp.resolve("real");
    assertThat(run(Map.of(), "demo", "--replica-dir", real.toString())).isZero();
    Files.writeString(real.resolve("replica.db"), "x");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);

    assertThat(run(Map.of(), "demo", "--fresh", "--replica-dir", link.toString())).isZero();
    assertThat(real.resolve("replica.db")).doesNotExist();
    assertThat(real.resolve(Demo.MARKER)).exists();
  }

  @Test
  void aWriteRateOutOfRangeIsAUsageError() {
    assertThat(run(Map.of(), "demo", "--replica-dir", tmp.resolve("d").toString(), "--writes-per-second", "-1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--writes-per-second must be 0 (off) or between 0.01 and 1000");
    assertThat(run(Map.of(), "demo", "--replica-dir", tmp.resolve("d").toString(), "--writes-per-second", "1e-12"))
        .as("a rate so low the writer could not pace itself").isEqualTo(2);
    assertThat(run(Map.of(), "demo", "--replica-dir", tmp.resolve("d").toString(), "--writes-per-second", "0"))
        .as("0 turns the writer off").isZero();
  }
}
