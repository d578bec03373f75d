package io.viewsync.server.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Files of one flat directory served read-only at {@code PREFIX/{file}}: the browser client ({@code clients/js/src},
 * packed into the jar as {@code web/client/}) and the demo page. They come from the classpath, or from a directory
 * on disk when an environment variable names one (for working on the page without rebuilding the jar).
 *
 * <p>Only plain file names of known types are served ({@code index.js}, not {@code ../x} or {@code a/b}); anything
 * else is 404. Responses are {@code no-store}, like every response of this server: a new jar must never meet a stale
 * page. Immutable; safe from any thread. Reads happen on the event loop: they are small files from the jar.
 */
public final class StaticFiles {

  /** Where the browser client is served: {@code /client/index.js}. */
  public static final String CLIENT_PATH = "/client";
  /** Names a directory to serve the client from instead of the jar (development of {@code clients/js}). */
  public static final String CLIENT_DIR_ENV = "VIEWSYNC_CLIENT_JS_DIR";

  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}");
  private static final Map<String, String> TYPES = Map.of(
      "js", "text/javascript; charset=utf-8",
      "ts", "text/plain; charset=utf-8",
      "html", "text/html; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "json", "application/json",
      "svg", "image/svg+xml",
      "png", "image/png");

  private final String resourceDir;
  private final Optional<Path> diskDir;

  /**
   * @param resourceDir classpath directory, e.g. {@code web/client}
   * @param diskDir     a directory to read instead, when present
   */
  public StaticFiles(String resourceDir, Optional<Path> diskDir) {
    this.resourceDir = resourceDir;
    this.diskDir = diskDir;
  }

  /** The browser client, from the jar or from {@value #CLIENT_DIR_ENV}. */
  public static StaticFiles client() {
    return new StaticFiles("web/client", fromEnv(CLIENT_DIR_ENV));
  }

  /** The directory an environment variable names, if it is set and not blank. */
  public static Optional<Path> fromEnv(String variable) {
    String dir = System.getenv(variable);
    return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir.strip()));
  }

  /** Adds {@code GET prefix/{file}}. */
  public void addTo(HttpRouter.Builder routes, String prefix) {
    routes.get(prefix + "/{file}", (TemplateEndpoint) (request, params) -> serve(params.get("file")));
  }

  /** An endpoint that always serves one file, e.g. the page at {@code /}. */
  public HttpEndpoint file(String name) {
    return request -> serve(name);
  }

  /** The response for one file name: 200 with its bytes, or 404. */
  public FullHttpResponse serve(String name) {
    Optional<byte[]> bytes = read(name);
    if (bytes.isEmpty()) {
      return JsonResponses.error(ErrorKind.NOT_FOUND, "no such file: " + (name.length() > 100 ? "…" : name));
    }
    FullHttpResponse response = JsonResponses.body(HttpResponseStatus.OK, TYPES.get(extension(name)), bytes.get());
    response.headers().set("X-Content-Type-Options", "nosniff");
    return response;
  }

  /** The file's bytes, if it is a plain name of a known type that exists. */
  Optional<byte[]> read(String name) {
    if (!FILE_NAME.matcher(name).matches() || !TYPES.containsKey(extension(name))) {
      return Optional.empty();
    }
    try {
      if (diskDir.isPresent()) {
        Path file = diskDir.get().resolve(name);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
      }
      try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(resourceDir + "/" + name)) {
        return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + name, e);
    }
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1);
  }
}
