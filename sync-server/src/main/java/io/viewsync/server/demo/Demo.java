package io.viewsync.server.demo;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
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
   * Makes {@code dir} the demo's directory. It must be new, empty, or one the demo made (it holds {@value #MARKER},
   * written only into a new or empty directory), so that {@code --fresh} can never empty anything else. With
   * {@code fresh} it is emptied first, with the embedded Postgres' data wherever that lives
   * ({@link EmbeddedUpstream#dataDir}); refused while a demo runs on it.
   *
   * @throws IllegalArgumentException when the directory is someone else's, or in use
   */
  public static void prepareDirectory(Path dir, boolean fresh) throws IOException {
    Files.createDirectories(dir);
    Path real = dir.toRealPath(); // --fresh on a link empties what it points to, as the demo uses that
    boolean empty;
    try (Stream<Path> entries = Files.list(real)) {
      empty = entries.findAny().isEmpty();
    }
    if (!empty && !Files.exists(real.resolve(MARKER))) {
      throw new IllegalArgumentException("--replica-dir " + real + " is not empty and viewsync demo did not make it"
          + " (no " + MARKER + " in it): pick a new or empty directory" + (fresh ? "; --fresh empties only the demo's"
          + " own" : ""));
    }
    if (fresh && !empty) {
      Path postgres = EmbeddedUpstream.dataDir(real);
      refuseIfRunning(postgres);
      FileTrees.deleteContents(real);
      if (!postgres.startsWith(real)) {
        FileTrees.delete(postgres); // kept elsewhere, see EmbeddedUpstream.dataDir
      }
      log.info("--fresh: emptied {}", real);
    }
    if (!Files.exists(real.resolve(MARKER))) {
      Files.writeString(real.resolve(MARKER), "This directory holds viewsync demo's data; viewsync demo --fresh empties"
          + " it.\n");
    }
  }

  /** Refuses to empty the data of a Postgres that runs: another demo on the same directory. */
  private static void refuseIfRunning(Path postgresDataDir) throws IOException {
    Path pidFile = postgresDataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    String pid = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
    Path comm = Path.of("/proc", pid, "comm");
    if (pid.matches("[0-9]+") && Files.exists(comm) && Files.readString(comm).strip().startsWith("postgres")) {
      throw new IllegalArgumentException("--fresh: a PostgreSQL (pid " + pid + ") runs on " + postgresDataDir
          + ": another viewsync demo uses this directory; stop it first");
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
      try {
        writer.close();
      } finally {
        migrations.close();
      }
    };
  }

  @Override
  public void routes(HttpRouter.Builder routes) {
    routes.get("/", page.file("index.html"));
    page.addTo(routes, "/demo");
    routes.get("/demo/info", request -> JsonResponses.json(HttpResponseStatus.OK, info()));
    routes.post("/demo/migrate", request -> {
      if (!sameOrigin(request)) {
        return JsonResponses.error(ErrorKind.FORBIDDEN, "POST /demo/migrate is only taken from the demo's own page");
      }
      Optional<DemoMigrations.Migration> started = migrations.start();
      if (started.isEmpty()) {
        return JsonResponses.error(ErrorKind.CONFLICT, "a migration is already running");
      }
      return JsonResponses.json(HttpResponseStatus.ACCEPTED, Map.of("started", started.get().toJson()));
    });
  }

  /**
   * False for a request another site's page sent (its {@code Origin} is not this server's {@code Host}): any page a
   * user visits may post to 127.0.0.1. Tools that send no {@code Origin} (curl) are let through.
   */
  static boolean sameOrigin(HttpRequest request) {
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    String host = request.headers().get(HttpHeaderNames.HOST);
    return origin == null || (host != null && (origin.equals("http://" + host) || origin.equals("https://" + host)));
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
