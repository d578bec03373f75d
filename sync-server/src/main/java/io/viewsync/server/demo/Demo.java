package io.viewsync.server.demo;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.viewsync.core.FileTrees;
import io.viewsync.server.EmbeddedUpstream;
import io.viewsync.server.ServiceExtension;
import io.viewsync.server.config.UpstreamUrl;
import io.viewsync.server.http.ErrorKind;
import io.viewsync.server.http.HttpRouter;
import io.viewsync.server.http.JsonResponses;
import io.viewsync.server.http.StaticFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code viewsync demo} runs beside the service: the issue tracker schema and seed ({@link DemoSchema}), the
 * background writer ({@link DemoWriter}), the migration button ({@link DemoMigrations}) and the page, served at
 * {@code /} with its assets at {@code /demo/FILE} (from the jar's {@code web/demo}, or from
 * {@value #WEB_DIR_ENV} when set). Routes: {@code GET /demo/info}, {@code POST /demo/migrate}.
 *
 * <p>Built on the main thread; its endpoints run on Netty's event loops and only read atomics or hand work to
 * the migrations' thread.
 */
public final class Demo implements ServiceExtension {
  private static final Logger log = LoggerFactory.getLogger(Demo.class);

  /** Serves the page from this directory instead of the jar (for working on the page). */
  public static final String WEB_DIR_ENV = "VIEWSYNC_DEMO_WEB_DIR";
  /** The file that marks a directory as the demo's own, so that {@code --fresh} may empty it. */
  public static final String MARKER = ".viewsync-demo";

  private final double writesPerSecond;
  private final StaticFiles page = new StaticFiles("web/demo", StaticFiles.fromEnv(WEB_DIR_ENV));
  private volatile DemoWriter writer;
  private volatile DemoMigrations migrations;
  private volatile String postgresUrl;

  /** @param writesPerSecond changes the writer makes upstream per second; 0 for none */
  public Demo(double writesPerSecond) {
    this.writesPerSecond = writesPerSecond;
  }

  /**
   * Makes {@code dir} the demo's directory: with {@code fresh}, empties it first, which is refused for a directory
   * the demo did not make (no {@value #MARKER}) that is not empty.
   *
   * @throws IllegalArgumentException when {@code --fresh} would delete someone else's files
   */
  public static void prepareDirectory(Path dir, boolean fresh) throws IOException {
    if (fresh && Files.isDirectory(dir)) {
      boolean empty;
      try (Stream<Path> entries = Files.list(dir)) {
        empty = entries.findAny().isEmpty();
      }
      if (!empty && !Files.exists(dir.resolve(MARKER))) {
        throw new IllegalArgumentException("--fresh empties " + dir.toAbsolutePath().normalize()
            + ", which viewsync demo did not make (no " + MARKER + " in it): pick another --replica-dir or remove it"
            + " yourself");
      }
      Path postgres = EmbeddedUpstream.dataDir(dir);
      FileTrees.deleteContents(dir);
      if (!postgres.startsWith(dir.toAbsolutePath().normalize())) {
        FileTrees.delete(postgres); // kept elsewhere, see EmbeddedUpstream.dataDir
      }
      log.info("--fresh: emptied {}", dir.toAbsolutePath().normalize());
    }
    Files.createDirectories(dir);
    if (!Files.exists(dir.resolve(MARKER))) {
      Files.writeString(dir.resolve(MARKER), "This directory holds viewsync demo's data; viewsync demo --fresh empties it.\n");
    }
  }

  @Override
  public AutoCloseable start(UpstreamUrl upstream) throws Exception {
    DemoWriter.Connector connector = () -> DriverManager.getConnection(upstream.jdbcUrl(), upstream.properties());
    DemoMigrations m = new DemoMigrations(connector);
    try (Connection c = connector.open()) {
      DemoSchema.createIfMissing(c);
      m.load(c);
    }
    migrations = m;
    writer = new DemoWriter(connector, writesPerSecond).start();
    postgresUrl = upstream.redacted();
    return () -> {
      writer.close();
      migrations.close();
    };
  }

  @Override
  public void routes(HttpRouter.Builder routes) {
    routes.get("/", page.file("index.html"));
    page.addTo(routes, "/demo");
    routes.get("/demo/info", request -> JsonResponses.json(HttpResponseStatus.OK, info()));
    routes.post("/demo/migrate", request -> {
      Optional<DemoMigrations.Migration> started = migrations.start();
      if (started.isEmpty()) {
        return JsonResponses.error(ErrorKind.CONFLICT, "a migration is already running");
      }
      return JsonResponses.json(HttpResponseStatus.ACCEPTED, Map.of("started", started.get().toJson()));
    });
  }

  @Override
  public void listening(String baseUrl) {
    log.info("viewsync demo is running: open {}/ in a browser. Change data yourself with: psql {}  (Ctrl-C stops"
        + " everything)", baseUrl, postgresUrl);
  }

  /** {@code GET /demo/info}. */
  Map<String, Object> info() {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("writesPerSecond", writer.writesPerSecond());
    w.put("writes", writer.writes());
    w.put("errors", writer.errors());
    w.put("lastError", writer.lastError());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("writer", w);
    m.put("migrations", migrations.toJson());
    m.put("postgres", postgresUrl);
    return m;
  }
}
